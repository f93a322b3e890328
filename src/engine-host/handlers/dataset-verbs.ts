import path from 'node:path';
import sharp from 'sharp';
import { DatasetsRepo } from '../../engine/datasets/datasets-repo.ts';
import { thumbnailPath } from '../../engine/datasets/index.ts';
import { isSrError, SrError } from '../../engine/errors.ts';
import type { ResultOf } from '../../shared/contract/index.ts';
import type { HandlerContext } from '../handler.ts';

/**
 * The contract names splits by fraction ({ train: 0.9, val: 0.1 }); the dataset manager knows train and val only
 * and takes the validation share. Either key alone is enough; both must add up to 1.
 */
export function valFractionOf(fractions: Record<string, number>): number {
  const unknown = Object.keys(fractions).filter((name) => name !== 'train' && name !== 'val');
  if (unknown.length > 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Unknown split ${unknown.map((n) => `"${n}"`).join(', ')}`,
      'Data sets have two splits: train and val.',
    );
  }
  const { train, val } = fractions;
  if (train !== undefined && val !== undefined && Math.abs(train + val - 1) > 1e-6) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The split fractions add up to ${train + val}, not 1`,
      'Give e.g. { train: 0.9, val: 0.1 }, or val alone.',
    );
  }
  return val ?? 1 - (train ?? 1);
}

type Thumbnail = ResultOf<'datasets.thumbnails'>['thumbnails'][number];

/**
 * Thumbnails (cached WebP files under `<state>/thumbnails`, 256 px, named by content hash) for the given photos of a
 * data set. The `size` the UI asks for is a display size: one cached size serves every grid. A photo that is not
 * in the data set, or whose file is gone, is left out and reported as a log event instead of failing the page.
 */
export async function datasetThumbnails(context: HandlerContext, datasetId: number, paths: string[]): Promise<Thumbnail[]> {
  const store = context.services.store;
  const byPath = new Map(
    new DatasetsRepo(store).images(datasetId, { split: 'all', includeMissing: true }).map((image) => [image.path, image]),
  );
  const out: Thumbnail[] = [];
  for (const requested of paths) {
    if (context.signal.aborted) throw new SrError('CANCELLED', 'Thumbnails were cancelled');
    const image = byPath.get(requested) ?? byPath.get(path.resolve(requested));
    try {
      if (!image) throw new SrError('NOT_FOUND', `${requested} is not a photo of data set ${datasetId}`, 'Refresh the data set view.');
      const file = await thumbnailPath(store, datasetId, image.id);
      const { width, height } = await sharp(file).metadata();
      out.push({ source: image.path, thumbnail: { path: file, width: width ?? 1, height: height ?? 1 } });
    } catch (error) {
      const message = isSrError(error) ? error.message : `${requested}: ${(error as Error)?.message ?? String(error)}`;
      context.emit('log', { level: 'warn', source: 'datasets', message: message.slice(0, 4000), at: new Date().toISOString() });
    }
  }
  return out;
}
