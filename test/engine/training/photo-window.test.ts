import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropImage } from '../../../src/engine/imaging/crop-image.ts';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { patchGeometry } from '../../../src/engine/training/patch-geometry.ts';
import {
  MIN_TRAINING_WINDOW,
  photoWindow,
  TRAINING_PIXEL_BUDGET,
  trainingWindowPixels,
  VALIDATION_WINDOW,
} from '../../../src/engine/training/photo-window.ts';
import { BatchPrefetcher } from '../../../src/engine/training/prefetcher.ts';
import { loadTrainingPair } from '../../../src/engine/training/training-image.ts';
import { ValidationSet } from '../../../src/engine/training/validation.ts';
import { type ImageFolder, writeImageFolder } from '../../helpers/training-images.ts';

describe('photoWindow', () => {
  it('keeps a photo within budget whole', () => {
    expect(photoWindow(481, 321, MIN_TRAINING_WINDOW, 7)).toEqual({ left: 0, top: 0, width: 481, height: 321 });
  });

  it('cuts a larger photo to the budget with its aspect ratio, inside the photo', () => {
    for (const seed of [1, 2, 3, 99]) {
      const w = photoWindow(4000, 3000, 1_000_000, seed);
      expect(w.width * w.height).toBeLessThanOrEqual(1_000_000);
      expect(w.width * w.height).toBeGreaterThan(990_000);
      expect(w.width / w.height).toBeCloseTo(4 / 3, 2);
      expect(w.left + w.width).toBeLessThanOrEqual(4000);
      expect(w.top + w.height).toBeLessThanOrEqual(3000);
    }
    // The seed places it: the same seed the same window, other seeds elsewhere.
    expect(photoWindow(4000, 3000, 1_000_000, 5)).toEqual(photoWindow(4000, 3000, 1_000_000, 5));
    const lefts = new Set([1, 2, 3, 4, 5, 6].map((seed) => photoWindow(4000, 3000, 1_000_000, seed).left));
    expect(lefts.size).toBeGreaterThan(3);
    expect(photoWindow(4000, 3000, 1_000_000, 'centre')).toEqual({ left: 1423, top: 1067, width: 1154, height: 866 });
  });

  it('keeps a panorama window tall enough for whole patches', () => {
    const w = photoWindow(20_000, 300, MIN_TRAINING_WINDOW, 3);
    expect(w.height).toBe(256);
    expect(w.width).toBe(Math.floor(MIN_TRAINING_WINDOW / 256));
    expect(photoWindow(20_000, 100, MIN_TRAINING_WINDOW, 3).height).toBe(100);
  });

  it('shares the training budget among the photos, down to a floor', () => {
    expect(trainingWindowPixels(100)).toBe(Math.floor(TRAINING_PIXEL_BUDGET / 100));
    expect(trainingWindowPixels(1_000_000)).toBe(MIN_TRAINING_WINDOW);
  });

  it('copies the window out of an RGB(A) image', () => {
    const image = { width: 4, height: 3, channels: 4 as const, data: Uint8Array.from({ length: 48 }, (_, i) => i) };
    const cut = cropImage(image, { left: 1, top: 1, width: 2, height: 2 });
    expect(cut).toEqual({
      width: 2,
      height: 2,
      channels: 4,
      data: Uint8Array.from([20, 21, 22, 23, 24, 25, 26, 27, 36, 37, 38, 39, 40, 41, 42, 43]),
    });
  });
});

describe('large photos in a run', () => {
  let large: ImageFolder;
  beforeAll(async () => {
    // 1.2 MP: above the validation window, and above the training floor.
    large = await writeImageFolder(1, 1200, 1000, 4);
  });
  afterAll(() => large.cleanup());

  it('train on a window fixed by the seed, and say so', async () => {
    const geometry = patchGeometry(2, 'upsampled', 32, (n) => n);
    const sampling = { mode: 'uniform' as const, stride: 14, augment: true };
    const options = { paths: large.paths, scale: 2, geometry, sampling, seed: 3, batchSize: 2, pixelBudget: 1 };
    const prefetcher = await BatchPrefetcher.start(options);
    const again = await BatchPrefetcher.start(options);
    try {
      expect(prefetcher.cropped).toEqual({ photos: 1, windowPixels: MIN_TRAINING_WINDOW });
      // The worker cut what the loader cuts with the same limit, and a second start (a resume) cuts it again.
      const { hashWords } = await import('../../../src/engine/seeded-random.ts');
      const pair = await loadTrainingPair(large.paths[0], 2, 'upsampled', { maxPixels: MIN_TRAINING_WINDOW, seed: hashWords(3, 0) });
      expect(pair.photo).toEqual({ width: 1200, height: 1000 });
      expect(pair.target.width * pair.target.height).toBeLessThanOrEqual(MIN_TRAINING_WINDOW);
      expect(pair.target.width * pair.target.height).toBeGreaterThan(MIN_TRAINING_WINDOW * 0.98);
      expect((await prefetcher.take(0)).x).toEqual((await again.take(0)).x);
    } finally {
      await prefetcher.close();
      await again.close();
    }
  });

  it('validate on their centre window', async () => {
    const set = await ValidationSet.load(large.paths, 2, 'upsampled');
    expect(set.cropped).toBe(1);
    const { image } = await decodePhoto(large.paths[0]);
    const window = photoWindow(image.width, image.height, VALIDATION_WINDOW, 'centre');
    expect(set.first?.hrY.width).toBe(window.width - (window.width % 2));
    expect(set.first?.hrY.height).toBe(window.height - (window.height % 2));
  });
});
