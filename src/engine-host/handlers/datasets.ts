import { DatasetsRepo } from '../../engine/datasets/datasets-repo.ts';
import {
  addToDataset,
  createDataset,
  deleteDataset,
  exportManifest,
  getDataset,
  importManifest,
  listDatasets,
  randomSplit,
  removeFromDataset,
  rescanDataset,
} from '../../engine/datasets/index.ts';
import type { DatasetRecord } from '../../engine/datasets/types.ts';
import { checkUserPath } from '../../engine/preview/input-paths.ts';
import type { DatasetSummary } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';
import { datasetThumbnails, valFractionOf } from './dataset-verbs.ts';

function toSummary(record: DatasetRecord): DatasetSummary {
  return {
    id: String(record.id),
    name: record.name,
    status: record.status,
    roots: record.roots,
    patchSize: record.patchSize,
    imageCount: record.images,
    missing: record.missing,
    splits: { train: record.train, val: record.val },
    createdAt: record.createdAt,
  };
}

/**
 * Wired to the dataset manager (src/engine/datasets), the same operations the CLI runs. Thumbnails come back as
 * image files in the store (ImageRef), which the UI loads through its restricted image route, never as base64.
 */
export const datasetHandlers: HandlerTable = {
  'datasets.list': async (_params, { services }) => ({ datasets: listDatasets(services.store).map(toSummary) }),
  'datasets.create': async ({ name, paths, recursive, patchSize }, { services }) => {
    const { dataset, result } = await createDataset(services.store, name, paths, { recursive, patchSize });
    return {
      dataset: toSummary(dataset),
      added: result.added,
      skipped: result.skipped.length,
      skippedFiles: result.skipped.slice(0, 1000).map(({ path, reason }) => ({ path, reason: reason.slice(0, 500) })),
    };
  },
  'datasets.add': async ({ id, paths, recursive }, { services }) => {
    const record = getDataset(services.store, id);
    const result = await addToDataset(services.store, record.id, paths, { recursive });
    return {
      dataset: toSummary(getDataset(services.store, record.id)),
      added: result.added,
      skipped: result.skipped.length,
      skippedFiles: result.skipped.slice(0, 1000).map(({ path, reason }) => ({ path, reason: reason.slice(0, 500) })),
    };
  },
  'datasets.remove': async ({ id, paths }, { services }) => {
    const record = getDataset(services.store, id);
    const { removedRoots, removedImages } = removeFromDataset(services.store, record.id, paths);
    return { dataset: toSummary(getDataset(services.store, record.id)), removedRoots, removedImages };
  },
  'datasets.show': async ({ id, offset, limit }, { services }) => {
    const record = getDataset(services.store, id);
    const images = new DatasetsRepo(services.store).images(record.id, { split: 'all', includeMissing: true });
    return {
      dataset: toSummary(record),
      images: images.slice(offset, offset + limit).map((image) => ({
        path: image.path,
        width: image.width,
        height: image.height,
        split: image.split,
        missing: image.missing,
      })),
    };
  },
  'datasets.split': async ({ id, fractions, seed }, { services }) => {
    const datasetId = getDataset(services.store, id).id;
    randomSplit(services.store, datasetId, { valFraction: valFractionOf(fractions), seed });
    return { dataset: toSummary(getDataset(services.store, datasetId)) };
  },
  'datasets.rescan': async ({ id }, { services }) => {
    const before = getDataset(services.store, id);
    const result = await rescanDataset(services.store, before.id);
    const after = getDataset(services.store, before.id);
    return { dataset: toSummary(after), added: result.added, removed: Math.max(0, after.missing - before.missing) };
  },
  'datasets.export': async ({ id, to }, { services }) => {
    const target = checkUserPath(to, 'manifest', ['.json']);
    const { file } = await exportManifest(services.store, getDataset(services.store, id).id, target);
    return { path: file };
  },
  'datasets.import': async ({ from }, { services }) => {
    const { dataset } = await importManifest(services.store, checkUserPath(from, 'manifest', ['.json']));
    return { dataset: toSummary(dataset) };
  },
  'datasets.thumbnails': async ({ id, paths }, context) => ({
    thumbnails: await datasetThumbnails(context, getDataset(context.services.store, id).id, paths),
  }),
  'datasets.rm': async ({ id }, { services }) => {
    deleteDataset(services.store, getDataset(services.store, id).id);
    return { removed: true };
  },
};
