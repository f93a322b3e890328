import { describe, expect, it } from 'vitest';
import type { Plane } from '../../../src/engine/imaging/image.ts';
import { ssim } from '../../../src/engine/metrics/ssim.ts';
import { prng } from '../../helpers/eval-fixtures.ts';

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

function plane(width: number, height: number, f: (x: number, y: number) => number): Plane {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

/** Σ w(x,y)·s(x,y) over the 11×11 window, with w = fspecial('gaussian', 11, 1.5) written as the 2-D formula. */
function gaussianWeighted(s: (x: number, y: number) => number): number {
  let num = 0;
  let den = 0;
  for (let y = 0; y < 11; y++) {
    for (let x = 0; x < 11; x++) {
      const w = Math.exp(-((x - 5) ** 2 + (y - 5) ** 2) / (2 * 1.5 * 1.5));
      num += w * s(x, y);
      den += w;
    }
  }
  return num / den;
}

describe('ssim', () => {
  it('on flat 11×11 images is the luminance term (2μaμb + C1)/(μa² + μb² + C1)', () => {
    const a = plane(11, 11, () => 100);
    const b = plane(11, 11, () => 110);
    // (2·100·110 + 6.5025) / (100² + 110² + 6.5025) = 22006.5025 / 22106.5025
    expect(ssim(a, b, 0)).toBeCloseTo(22006.5025 / 22106.5025, 10);
  });

  it('on an 11×11 checkerboard against its negative matches Wang’s formula with gaussian moments', () => {
    const sign = (x: number, y: number) => ((x + y) % 2 === 0 ? 1 : -1);
    const a = plane(11, 11, (x, y) => 120 + 30 * sign(x, y));
    const b = plane(11, 11, (x, y) => 120 - 30 * sign(x, y));
    // a = μ0 + d·s, b = μ0 − d·s with s = ±1: E[s] = S, E[s²] = 1, so
    // μa = μ0 + dS, μb = μ0 − dS, σa² = σb² = d²(1 − S²), σab = −d²(1 − S²).
    const S = gaussianWeighted(sign);
    const muA = 120 + 30 * S;
    const muB = 120 - 30 * S;
    const v = 900 * (1 - S * S);
    const expected = ((2 * muA * muB + C1) * (-2 * v + C2)) / ((muA * muA + muB * muB + C1) * (2 * v + C2));
    expect(expected).toBeLessThan(0); // inverted contrast: strongly negative structure term
    expect(ssim(a, b, 0)).toBeCloseTo(expected, 8);
  });

  it('is 1 for identical images and symmetric in its arguments', () => {
    const next = prng(9);
    const noise = Array.from({ length: 30 * 24 }, () => next() & 255);
    const a = plane(30, 24, (x, y) => noise[y * 30 + x]);
    const b = plane(30, 24, (x, y) => Math.min(255, noise[y * 30 + x] * 0.8 + 30 + (x % 3)));
    expect(ssim(a, a, 0)).toBeCloseTo(1, 12);
    const ab = ssim(a, b, 0);
    expect(ab).toBeLessThan(0.99);
    expect(ssim(b, a, 0)).toBeCloseTo(ab, 12);
  });

  it('averages the map over the valid region: a difference only in the shaved frame does not count', () => {
    const a = plane(25, 25, (x, y) => (x * 7 + y * 13) % 97);
    const b = plane(25, 25, (x, y) => (x < 4 || y < 4 || x >= 21 || y >= 21 ? 255 - a.data[y * 25 + x] : a.data[y * 25 + x]));
    expect(ssim(a, b, 4)).toBeCloseTo(1, 12);
    expect(ssim(a, b, 3)).toBeLessThan(0.999);
  });

  it('needs an 11×11 window after shaving', () => {
    const a = plane(14, 14, () => 1);
    expect(() => ssim(a, a, 2)).toThrow(/at least 11×11 pixels after shaving, got 10×10/);
  });
});
