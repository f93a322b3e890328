import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fromFsError, SrError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';
import { type SyncOptions, syncDataset } from './sync.ts';
import type { DatasetRecord, SyncResult } from './types.ts';

export const MANIFEST_FORMAT = 'srstudio-dataset';

/**
 * A dataset as a portable JSON file. Paths are relative to the manifest's folder, with '/' separators, so a
 * project folder holding photos and manifest can be moved or shared as a whole. Hashes let the importer check
 * (and find again) each photo; the split travels with it.
 */
export const DatasetManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  patchSize: z.number().int().min(1).max(4096),
  roots: z.array(z.object({ path: z.string().min(1), recursive: z.boolean() })),
  images: z.array(
    z.object({
      path: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bytes: z.number().int().min(0),
      width: z.number().int().min(1),
      height: z.number().int().min(1),
      format: z.string(),
      split: z.enum(['train', 'val']).nullable(),
      /** Removed by the user: kept so a rescan of its folder does not bring it back. */
      removed: z.boolean().default(false),
    }),
  ),
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

export async function exportManifest(store: Store, datasetId: number, file: string): Promise<{ images: number; file: string }> {
  const repo = new DatasetsRepo(store);
  const row = repo.row(datasetId);
  const target = path.resolve(file);
  const base = path.dirname(target);
  const manifest: DatasetManifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    name: row.name,
    patchSize: row.patch_size,
    roots: repo.roots(datasetId).map((r) => ({ path: toPortable(base, r.path), recursive: r.recursive })),
    images: repo.allImageRows(datasetId).map((image) => ({
      path: toPortable(base, image.path),
      sha256: image.sha256,
      bytes: image.bytes,
      width: image.width,
      height: image.height,
      format: image.format,
      split: image.split,
      removed: image.excluded === 1,
    })),
  };
  await writeFileAtomic(target, `${JSON.stringify(manifest, null, 2)}\n`);
  return { images: manifest.images.filter((i) => !i.removed).length, file: target };
}

/**
 * Creates a dataset from a manifest: its rows come from the manifest (split included), then a scan of its
 * roots checks every photo by content, heals photos found at another place under the roots and flags the rest missing.
 */
export async function importManifest(
  store: Store,
  file: string,
  options: { name?: string } & SyncOptions = {},
): Promise<{ dataset: DatasetRecord; result: SyncResult }> {
  const source = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (error) {
    throw fromFsError(error, source, 'read');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${source} is not valid JSON: ${(error as Error).message}`,
      'Pass a file written by `srstudio datasets export`.',
      source,
    );
  }
  const parsed = DatasetManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SrError(
      'BAD_ARGUMENT',
      `${source} is not an SR Studio dataset manifest (${issue.path.join('.') || 'top level'}: ${issue.message})`,
      'Pass a file written by `srstudio datasets export`.',
      source,
    );
  }
  const manifest = parsed.data;
  const base = path.dirname(source);
  const repo = new DatasetsRepo(store);
  const name = options.name ?? manifest.name;
  const roots = manifest.roots.map((r) => ({ path: fromPortable(base, r.path), recursive: r.recursive }));
  const id = repo.create(name, manifest.patchSize, roots);
  repo.db
    .transaction(() => {
      for (const image of manifest.images) {
        // mtime -1 never matches a real file, so the scan re-reads and re-hashes each photo before trusting it.
        repo.insertImage(id, {
          path: fromPortable(base, image.path),
          sha256: image.sha256,
          bytes: image.bytes,
          mtimeMs: -1,
          width: image.width,
          height: image.height,
          format: image.format,
          cameraModel: null,
          iccName: null,
          split: image.split,
          missing: true,
        });
        if (image.removed) {
          const row = repo.imageByHash(id, image.sha256);
          if (row) repo.setExcluded(row.id, true);
        }
      }
    })
    .immediate();
  const result = await syncDataset(repo, id, options);
  return { dataset: repo.record(id), result };
}

function toPortable(base: string, absolute: string): string {
  const relative = path.relative(base, absolute);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}

function fromPortable(base: string, portable: string): string {
  return path.resolve(base, ...portable.split('/'));
}
