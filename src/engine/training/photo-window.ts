/**
 * Bounds what one photo costs a training run. A run decodes every training photo once and keeps its planes in
 * memory, and it scores whole validation images every few hundred steps. A collection of camera photos (12–50 MP
 * each) would neither fit in memory nor validate in reasonable time, so a photo above a per-photo pixel budget
 * contributes a window of that many pixels instead: random (but fixed by the run's seed) for training, central for
 * validation. Benchmark-sized images (T91, BSD200: well under 1 MP) are never cut.
 */
import type { ImageRegion } from '../imaging/crop-image.ts';
import { hashWords } from '../seeded-random.ts';

/** HR pixels a run keeps for training, all photos together: ~1 GB of uint8 planes for upsampled models. */
export const TRAINING_PIXEL_BUDGET = 512 * 2 ** 20;
/** No training photo is cut below this (a 512×512 window), so that patches still have room to move. */
export const MIN_TRAINING_WINDOW = 512 * 512;
/** Validation scores at most this many pixels of each photo (a centre window of about 1 MP). */
export const VALIDATION_WINDOW = 2 ** 20;
/** A window is never thinner than this (a panorama still yields whole patches), unless the photo is. */
const MIN_WINDOW_SIDE = 256;

/** The per-photo budget when a run trains on `photoCount` photos. */
export function trainingWindowPixels(photoCount: number, budget = TRAINING_PIXEL_BUDGET): number {
  return Math.max(MIN_TRAINING_WINDOW, Math.floor(budget / Math.max(1, photoCount)));
}

/**
 * The window of about `maxPixels` with the photo's aspect ratio (the whole photo when it is within budget), at the
 * centre or at a position drawn from `placement` as a seed.
 */
export function photoWindow(width: number, height: number, maxPixels: number, placement: 'centre' | number): ImageRegion {
  if (width * height <= maxPixels) return { left: 0, top: 0, width, height };
  const shrink = Math.sqrt(maxPixels / (width * height));
  let w = Math.floor(width * shrink);
  let h = Math.floor(height * shrink);
  if (h < MIN_WINDOW_SIDE) {
    h = Math.min(height, MIN_WINDOW_SIDE);
    w = Math.min(width, Math.floor(maxPixels / h));
  } else if (w < MIN_WINDOW_SIDE) {
    w = Math.min(width, MIN_WINDOW_SIDE);
    h = Math.min(height, Math.floor(maxPixels / w));
  }
  if (placement === 'centre') {
    return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
  }
  return { left: hashWords(placement, 1) % (width - w + 1), top: hashWords(placement, 2) % (height - h + 1), width: w, height: h };
}
