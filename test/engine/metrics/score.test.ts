import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { scoreImages } from '../../../src/engine/metrics/score.ts';

function rgb(width: number, height: number, f: (x: number, y: number) => [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { width, height, channels: 3, data };
}

describe('scoreImages', () => {
  it('scores the rounded BT.601 Y channel', () => {
    // Grey g has Y = 16 + 219·g/255. g = 100 → 101.882 → 102; g = 110 → 110.471 → 110. MSE = 64 → PSNR = 10·log10(65025/64).
    const hr = rgb(16, 16, () => [100, 100, 100]);
    const sr = rgb(16, 16, () => [110, 110, 110]);
    const { psnr, ssim } = scoreImages(sr, hr, 2);
    expect(psnr).toBeCloseTo(10 * Math.log10(65025 / 64), 10);
    expect(ssim).toBeCloseTo((2 * 102 * 110 + 6.5025) / (102 ** 2 + 110 ** 2 + 6.5025), 10);
  });

  it('ignores colour changes that leave the rounded Y unchanged', () => {
    // Y(200,0,0) = 67.36 → 67 and Y(199,0,1) = 67.20 → 67: identical after rounding.
    const a = rgb(15, 15, () => [200, 0, 0]);
    const b = rgb(15, 15, () => [199, 0, 1]);
    expect(scoreImages(a, b, 1)).toEqual({ psnr: Number.POSITIVE_INFINITY, ssim: 1 });
  });

  it('refuses a reconstruction of the wrong size, naming both sizes', () => {
    expect(() =>
      scoreImages(
        rgb(12, 12, () => [0, 0, 0]),
        rgb(12, 14, () => [0, 0, 0]),
        0,
      ),
    ).toThrow(/12×12 but the ground truth is 12×14/);
  });
});
