import fs from 'node:fs';
import path from 'node:path';
import { SrError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';
import { type SyncOptions, syncDataset } from './sync.ts';
import { type DatasetRecord, DEFAULT_PATCH_SIZE, type SyncResult } from './types.ts';

export interface CreateDatasetOptions extends SyncOptions {
  /** Descend into sub-folders. Default false, as the CLI's `--recursive` flag. */
  recursive?: boolean;
  /** Training patch size: smaller images are skipped. Default 33 (SRCNN). */
  patchSize?: number;
}

/** Creates a dataset from folders and/or image files, and imports them. Photos are referenced, never copied. */
export async function createDataset(
  store: Store,
  name: string,
  paths: string[],
  options: CreateDatasetOptions = {},
): Promise<{ dataset: DatasetRecord; result: SyncResult }> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200)
    throw new SrError('BAD_ARGUMENT', 'A dataset needs a name of 1 to 200 characters', 'Pass a name, e.g. `datasets create t91 ./T91`.');
  if (/^\d+$/.test(trimmed))
    throw new SrError(
      'BAD_ARGUMENT',
      `"${trimmed}" cannot be a dataset name: names made of digits look like ids`,
      'Add a letter, e.g. "set5".',
    );
  const patchSize = options.patchSize ?? DEFAULT_PATCH_SIZE;
  if (!Number.isInteger(patchSize) || patchSize < 1 || patchSize > 4096) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Patch size ${patchSize} is not a whole number of pixels between 1 and 4096`,
      'Pass e.g. --patch 33.',
    );
  }
  const roots = checkRoots(paths);
  const repo = new DatasetsRepo(store);
  const id = repo.create(
    trimmed,
    patchSize,
    roots.map((p) => ({ path: p, recursive: options.recursive ?? false })),
  );
  const result = await syncDataset(repo, id, options);
  return { dataset: repo.record(id), result };
}

/** Adds folders or single images to a dataset and imports what is new. */
export async function addToDataset(
  store: Store,
  datasetId: number,
  paths: string[],
  options: { recursive?: boolean } & SyncOptions = {},
): Promise<SyncResult> {
  const repo = new DatasetsRepo(store);
  repo.row(datasetId);
  const roots = checkRoots(paths);
  repo.db.transaction(() => {
    for (const root of roots) {
      repo.addRoot(datasetId, root, options.recursive ?? false);
      // Adding back a photo that was removed earlier brings it back.
      const removed = repo.allImageRows(datasetId).find((row) => row.path === root && row.excluded === 1);
      if (removed) repo.setExcluded(removed.id, false);
    }
  })();
  return syncDataset(repo, datasetId, options);
}

/**
 * Removes folders or single images from a dataset (the files are untouched).
 * A folder root is dropped with the images found under it; an image is marked removed so that a rescan of its
 * folder does not bring it back (and neither does a copy of it elsewhere, since images are matched by content).
 */
export function removeFromDataset(store: Store, datasetId: number, paths: string[]): { removedRoots: number; removedImages: number } {
  const repo = new DatasetsRepo(store);
  repo.row(datasetId);
  let removedRoots = 0;
  let removedImages = 0;
  repo.db
    .transaction(() => {
      for (const raw of paths) {
        const target = path.resolve(raw);
        if (repo.removeRoot(datasetId, target)) removedRoots += 1;
        const remainingRoots = repo.roots(datasetId).map((r) => r.path);
        for (const row of repo.allImageRows(datasetId)) {
          if (row.excluded === 1) continue;
          const underTarget = row.path === target || row.path.startsWith(target + path.sep);
          if (!underTarget) continue;
          if (row.path === target) {
            // The user named this photo: remember that, so its folder's next scan keeps it out.
            repo.setExcluded(row.id, true);
            removedImages += 1;
            continue;
          }
          // Under a removed folder: it leaves with the folder, unless another root still holds it.
          const stillCovered = remainingRoots.some((root) => row.path === root || row.path.startsWith(root + path.sep));
          if (!stillCovered) {
            repo.deleteImageRow(row.id);
            removedImages += 1;
          }
        }
      }
      repo.touch(datasetId);
    })
    .immediate();
  if (removedRoots === 0 && removedImages === 0) {
    throw new SrError(
      'NOT_FOUND',
      `None of ${paths.join(', ')} is part of dataset ${datasetId}`,
      'Run `srstudio datasets show ID` to see its folders and images.',
    );
  }
  return { removedRoots, removedImages };
}

/**
 * Rescans a dataset: new files are imported, vanished ones flagged missing, moved ones healed by hash.
 * `remap` handles a root folder that moved elsewhere (OLD=NEW): the root and the paths under it are rewritten
 * first, then the scan confirms each file by content. Without `remap`, healing only finds photos that moved
 * within the dataset's (current) roots — a moved root cannot be guessed safely, so we ask.
 * This is also how an interrupted import resumes.
 */
export async function rescanDataset(
  store: Store,
  datasetId: number,
  options: { remap?: { from: string; to: string }[] } & SyncOptions = {},
): Promise<SyncResult> {
  const repo = new DatasetsRepo(store);
  repo.row(datasetId);
  const remaps = (options.remap ?? []).map((r) => ({ from: path.resolve(r.from), to: path.resolve(r.to) }));
  for (const r of remaps) {
    if (!fs.existsSync(r.to))
      throw new SrError('NOT_FOUND', `The new folder ${r.to} does not exist`, 'Check the NEW part of --root OLD=NEW.', r.to);
  }
  if (remaps.length > 0) {
    repo.db
      .transaction(() => {
        for (const r of remaps) {
          const roots = repo.roots(datasetId).filter((root) => root.path === r.from || root.path.startsWith(r.from + path.sep));
          if (roots.length === 0)
            throw new SrError(
              'NOT_FOUND',
              `${r.from} is not a root of dataset ${datasetId}`,
              'Run `srstudio datasets show ID` to see its folders.',
            );
          for (const root of roots) repo.setRootPath(root.id, r.to + root.path.slice(r.from.length));
          for (const row of repo.allImageRows(datasetId)) {
            if (row.path.startsWith(r.from + path.sep)) {
              repo.db
                .prepare('UPDATE dataset_images SET path = ?, mtime_ms = -1 WHERE id = ?')
                .run(r.to + row.path.slice(r.from.length), row.id);
            }
          }
        }
      })
      .immediate();
  }
  return syncDataset(repo, datasetId, options);
}

export function listDatasets(store: Store): DatasetRecord[] {
  return new DatasetsRepo(store).list();
}

export function getDataset(store: Store, ref: string | number): DatasetRecord {
  const repo = new DatasetsRepo(store);
  return repo.record(repo.resolve(ref));
}

export function deleteDataset(store: Store, datasetId: number): void {
  new DatasetsRepo(store).remove(datasetId);
}

/** At start-up: imports killed half-way become 'interrupted' (resume them with rescanDataset). */
export function markInterruptedImports(store: Store): number {
  return new DatasetsRepo(store).markInterruptedImports();
}

function checkRoots(paths: string[]): string[] {
  if (paths.length === 0)
    throw new SrError('BAD_ARGUMENT', 'No folder or image given', 'Pass at least one folder, e.g. `datasets create t91 ./T91`.');
  const roots = [...new Set(paths.map((p) => path.resolve(p)))];
  for (const root of roots) {
    try {
      fs.statSync(root);
    } catch {
      throw new SrError('NOT_FOUND', `No such folder or file: ${root}`, 'Check the path and try again.', root);
    }
  }
  return roots;
}
