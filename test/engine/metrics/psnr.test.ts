import { describe, expect, it } from 'vitest';
import type { Plane } from '../../../src/engine/imaging/image.ts';
import { mse, psnr } from '../../../src/engine/metrics/psnr.ts';
import { shavePlane } from '../../../src/engine/metrics/shave.ts';

function plane(width: number, height: number, f: (x: number, y: number) => number): Plane {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

const texture = (x: number, y: number) => (x * 37 + y * 91) % 200;

describe('psnr', () => {
  it('is 10·log10(255²/MSE) for a constant offset (MSE = offset²)', () => {
    const a = plane(20, 15, texture);
    const b = plane(20, 15, (x, y) => texture(x, y) + 5);
    expect(mse(a, b)).toBe(25);
    // 10·log10(65025/25) = 10·log10(2601) = 34.15140352195873
    expect(psnr(a, b, 0)).toBeCloseTo(34.15140352195873, 10);
    expect(psnr(b, a, 0)).toBeCloseTo(34.15140352195873, 10);
  });

  it('uses the mean over pixels: one pixel off by 255 in 100 gives MSE 650.25, 20 dB', () => {
    const a = plane(10, 10, () => 0);
    const b = plane(10, 10, (x, y) => (x === 4 && y === 6 ? 255 : 0));
    expect(psnr(a, b, 0)).toBeCloseTo(20, 10);
  });

  it('is Infinity for identical images', () => {
    const a = plane(9, 9, texture);
    expect(psnr(a, plane(9, 9, texture), 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('shaves exactly `shave` pixels per border before comparing', () => {
    // b differs from a only on a 3-pixel frame.
    const a = plane(16, 12, texture);
    const b = plane(16, 12, (x, y) => (x < 3 || y < 3 || x >= 13 || y >= 9 ? texture(x, y) + 40 : texture(x, y)));
    expect(psnr(a, b, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(psnr(a, b, 2)).toBeLessThan(40);
  });

  it('rejects images of different sizes and a shave that leaves nothing', () => {
    expect(() => psnr(plane(4, 4, texture), plane(4, 5, texture), 0)).toThrow(/differ in size \(4×4 vs 4×5\)/);
    expect(() => psnr(plane(4, 4, texture), plane(4, 4, texture), 2)).toThrow(/nothing left after shaving 2/);
  });
});

describe('shavePlane', () => {
  it('keeps the inner window in row order', () => {
    const p = plane(5, 4, (x, y) => y * 10 + x);
    const s = shavePlane(p, 1);
    expect(s.width).toBe(3);
    expect(s.height).toBe(2);
    expect(Array.from(s.data)).toEqual([11, 12, 13, 21, 22, 23]);
  });
});
