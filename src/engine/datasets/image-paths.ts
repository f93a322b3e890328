import fs from 'node:fs';
import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';

/**
 * The photos a trainer should read: not removed, not flagged missing, and still on disk right now
 * (a file can vanish after the last scan). Unassigned images count as training data. Sorted by path.
 */
export function datasetImagePaths(store: Store, id: number, split: 'train' | 'val' | 'all'): string[] {
  const repo = new DatasetsRepo(store);
  repo.row(id);
  return repo
    .images(id, { split, includeMissing: false })
    .map((image) => image.path)
    .filter((p) => fs.existsSync(p));
}
