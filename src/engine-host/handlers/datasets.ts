import { DatasetsRepo } from '../../engine/datasets/datasets-repo.ts';
import { createDataset, deleteDataset, getDataset, listDatasets } from '../../engine/datasets/index.ts';
import type { DatasetRecord } from '../../engine/datasets/types.ts';
import type { DatasetSummary } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';

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
 * Wired to the dataset manager (src/engine/datasets). Split, rescan, export, import and thumbnails are still
 * NOT_IMPLEMENTED here (the CLI has them); they need progress events and a settled parameter mapping.
 */
export const datasetHandlers: HandlerTable = {
  'datasets.list': async (_params, { services }) => ({ datasets: listDatasets(services.store).map(toSummary) }),
  'datasets.create': async ({ name, paths, recursive, patchSize }, { services }) => {
    const { dataset, result } = await createDataset(services.store, name, paths, { recursive, patchSize });
    return { dataset: toSummary(dataset), added: result.added, skipped: result.skipped.length };
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
  'datasets.rm': async ({ id }, { services }) => {
    deleteDataset(services.store, getDataset(services.store, id).id);
    return { removed: true };
  },
};
