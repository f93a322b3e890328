import path from 'node:path';
import { SrError } from '../errors.ts';
import { seededShuffle } from '../seeded-random.ts';
import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';
import type { Split } from './types.ts';

/**
 * Random train/val split. Images are ordered by content hash before the seeded shuffle, so the same photos and
 * seed give the same split wherever they live on disk. Missing images take part too: they keep their place when
 * they come back. Only rows change; the photos are never touched.
 */
export function randomSplit(store: Store, datasetId: number, opts: { valFraction: number; seed: number }): { train: number; val: number } {
  if (!(opts.valFraction >= 0 && opts.valFraction < 1)) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Validation fraction ${opts.valFraction} must be at least 0 and below 1`,
      'Pass e.g. --val 0.1 for 10 %.',
    );
  }
  if (!Number.isInteger(opts.seed)) throw new SrError('BAD_ARGUMENT', `Seed ${opts.seed} is not a whole number`, 'Pass e.g. --seed 42.');
  const repo = new DatasetsRepo(store);
  repo.row(datasetId);
  const images = repo.images(datasetId).sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  const shuffled = seededShuffle(images, opts.seed);
  const valCount = Math.round(images.length * opts.valFraction);
  repo.setSplitBulk(shuffled.map((image, index) => ({ rowId: image.id, split: index < valCount ? 'val' : 'train' })));
  repo.touch(datasetId);
  return { train: images.length - valCount, val: valCount };
}

/** Manual split: puts the given images (by path or content hash) into `split`. */
export function assignSplit(store: Store, datasetId: number, refs: string[], split: Split): number {
  const repo = new DatasetsRepo(store);
  repo.row(datasetId);
  const images = repo.images(datasetId);
  const byKey = new Map<string, number>();
  for (const image of images) {
    byKey.set(image.path, image.id);
    byKey.set(image.sha256, image.id);
  }
  const assignments = refs.map((ref) => {
    const rowId = byKey.get(ref) ?? byKey.get(path.resolve(ref));
    if (rowId === undefined)
      throw new SrError(
        'NOT_FOUND',
        `${ref} is not an image of dataset ${datasetId}`,
        'Pass an image path or sha256 listed by `datasets show`.',
        ref,
      );
    return { rowId, split };
  });
  repo.setSplitBulk(assignments);
  repo.touch(datasetId);
  return assignments.length;
}
