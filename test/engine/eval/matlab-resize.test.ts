import { describe, expect, it } from 'vitest';
import type { Plane } from '../../../src/engine/imaging/image.ts';
import { imresize, imresizeRegion, imresizeRgb, type ResizeKernel, regionResizer } from '../../../src/engine/imaging/matlab-resize.ts';
import { prng } from '../../helpers/eval-fixtures.ts';

const KERNELS: ResizeKernel[] = ['bicubic', 'bilinear', 'nearest', 'lanczos3'];

function planeOf(width: number, height: number, values: number[]): Plane {
  return { width, height, data: Float32Array.from(values) };
}

function randomPlane(width: number, height: number, seed: number): Plane {
  const next = prng(seed);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = next() & 255;
  return { width, height, data };
}

function expectClose(actual: Float32Array, expected: number[], digits = 3): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `index ${i}`).toBeCloseTo(expected[i], digits);
}

describe('imresize against an independent implementation', () => {
  // Expected values: test/reference/matlab_imresize.py (numpy, dense weight matrices from MATLAB's imresize.m),
  // e.g. `imresize(np.array([[10,50,20,200,0,90,30]]), 1, 17, 'bicubic')`. They include border samples, so they
  // also pin MATLAB's symmetric index folding.
  const row = planeOf(7, 1, [10, 50, 20, 200, 0, 90, 30]);
  const expected: Record<ResizeKernel, Record<3 | 17, number[]>> = {
    bicubic: {
      3: [27.191011, 96.245307, 48.089888],
      17: [
        5.847751, 13.301445, 33.447995, 49.405658, 36.120497, 14.093222, 44.070832, 142.481172, 200, 130.256462, 22.812945, 4.40057,
        57.630775, 90.280887, 68.13963, 35.226949, 23.771626,
      ],
    },
    bilinear: {
      3: [26.875, 95.294118, 46.875],
      17: [
        10, 14.705882, 31.176471, 47.647059, 39.411765, 27.058824, 51.764706, 125.882353, 200, 117.647059, 35.294118, 21.176471, 58.235294,
        86.470588, 61.764706, 37.058824, 30,
      ],
    },
    nearest: {
      3: [50, 200, 90],
      17: [10, 10, 50, 50, 50, 20, 20, 200, 200, 200, 0, 0, 90, 90, 90, 30, 30],
    },
    lanczos3: {
      3: [26.3348, 98.179545, 47.234892],
      17: [
        1.462166, 15.311384, 40.492277, 51.414154, 26.743339, 4.243631, 49.942178, 151.735571, 200, 133.541111, 26.113518, -4.313648,
        48.21682, 92.865074, 79.0501, 39.065473, 15.337013,
      ],
    },
  };
  for (const kernel of KERNELS) {
    it(`${kernel}: 7 → 3 (antialiased shrink) and 7 → 17 (enlarge)`, () => {
      expectClose(imresize(row, 3, 1, kernel).data, expected[kernel][3]);
      expectClose(imresize(row, 17, 1, kernel).data, expected[kernel][17]);
    });
  }

  const grid = planeOf(
    6,
    5,
    [0, 37, 74, 10, 47, 84, 91, 27, 64, 0, 37, 74, 81, 17, 54, 91, 27, 64, 71, 7, 44, 81, 17, 54, 61, 98, 34, 71, 7, 44],
  );

  it('shrinks both dimensions by different ratios (bicubic 6×5 → 4×2 and 2×4)', () => {
    expectClose(imresize(grid, 4, 2).data, [41.193318, 49.64553, 29.888204, 67.051349, 65.355448, 46.776693, 54.08587, 37.470256]);
    expectClose(imresize(grid, 2, 4).data, [31.888491, 53.576779, 56.528512, 48.099648, 47.986096, 51.421473, 64.383642, 37.454864]);
  });

  it('enlarges ×2 with overshoot at the edges, unrounded (bicubic 6×5 → 12×10)', () => {
    const up = imresize(grid, 12, 10);
    expectClose(
      up.data.subarray(0, 12),
      [-12.887695, 0.040527, 25.896973, 50.220459, 73.010986, 63.671875, 22.203125, 13.085938, 36.320313, 58.054688, 78.289063, 88.40625],
    );
    expectClose(
      up.data.subarray(108, 120),
      [55.706055, 71.223389, 102.258057, 94.008057, 46.473389, 36.912354, 65.324951, 58.796875, 17.328125, 9.078125, 34.046875, 46.53125],
    );
  });
});

describe('imresize properties', () => {
  it('keeps a constant image constant with every kernel, up and down', () => {
    const flat = planeOf(13, 9, new Array(13 * 9).fill(77.25));
    for (const kernel of KERNELS) {
      for (const [w, h] of [
        [5, 3],
        [39, 27],
        [20, 4],
        [13, 9],
      ]) {
        const out = imresize(flat, w, h, kernel);
        expect(out.width).toBe(w);
        expect(out.height).toBe(h);
        const worst = out.data.reduce((m, v) => Math.max(m, Math.abs(v - 77.25)), 0);
        expect(worst, `${kernel} ${w}×${h}`).toBeLessThan(1e-4);
      }
    }
  });

  it('is the identity at scale 1 for bicubic (the kernel is 1 at 0 and 0 at ±1, ±2)', () => {
    const src = randomPlane(9, 8, 3);
    const out = imresize(src, 9, 8);
    expectClose(out.data, Array.from(src.data), 4);
  });

  it('averages when shrinking (antialiasing): a 1-pixel checkerboard shrunk by 4 is nearly flat', () => {
    const checker = planeOf(
      32,
      32,
      Array.from({ length: 32 * 32 }, (_, i) => (((i % 32) + Math.floor(i / 32)) % 2) * 200),
    );
    const out = imresize(checker, 8, 8);
    for (const v of out.data.subarray(9, 15)) expect(Math.abs(v - 100)).toBeLessThan(1);
  });

  it('rejects sizes that are not positive integers', () => {
    const src = randomPlane(4, 4, 1);
    expect(() => imresize(src, 0, 4)).toThrow(/output width must be a positive integer/);
    expect(() => imresize(src, 4, 2.5)).toThrow(/output height/);
  });
});

describe('imresizeRegion', () => {
  it('equals the crop of the full resize exactly, for random windows, scales and kernels (borders included)', () => {
    const next = prng(42);
    const src = randomPlane(37, 29, 5);
    const sizes = [
      [12, 10], // ↓3
      [18, 14], // ↓2 (odd input, not exact)
      [74, 58], // ↑2
      [111, 87], // ↑3
      [20, 50], // mixed: shrink width, enlarge height
    ];
    for (const kernel of KERNELS) {
      for (const [ow, oh] of sizes) {
        const full = imresize(src, ow, oh, kernel);
        const windows = [
          { x: 0, y: 0, width: ow, height: oh },
          { x: 0, y: 0, width: 3, height: 2 },
          { x: ow - 4, y: oh - 3, width: 4, height: 3 },
        ];
        for (let k = 0; k < 6; k++) {
          const x = next() % ow;
          const y = next() % oh;
          windows.push({ x, y, width: 1 + (next() % (ow - x)), height: 1 + (next() % (oh - y)) });
        }
        for (const region of windows) {
          const part = imresizeRegion(src, ow, oh, region, kernel);
          const crop = new Float32Array(region.width * region.height);
          for (let yy = 0; yy < region.height; yy++) {
            const from = (region.y + yy) * ow + region.x;
            crop.set(full.data.subarray(from, from + region.width), yy * region.width);
          }
          expect(part.width).toBe(region.width);
          expect(part.height).toBe(region.height);
          // Bit-identical, not just close: tiles must not show seams.
          const firstMismatch = part.data.findIndex((v, i) => v !== crop[i]);
          expect(firstMismatch, `${kernel} ${ow}×${oh} ${JSON.stringify(region)}`).toBe(-1);
        }
      }
    }
  });

  it('a region resizer reused band after band, writing into one buffer, still equals the full resize exactly', () => {
    // The tiler's use: full-width bands of varying heights (odd, even, one row) top to bottom, each written over
    // the previous one in the same buffer, with the intermediate reused. Up (rows first) and down (columns first).
    const src = randomPlane(37, 29, 9);
    for (const [ow, oh] of [
      [74, 58],
      [111, 87],
      [20, 50],
      [12, 10],
    ]) {
      const full = imresize(src, ow, oh).data;
      const resize = regionResizer(src, ow, oh);
      const buffer = new Float32Array(ow * oh);
      const heights = [7, 1, 4, 3, 9, 2];
      for (let y = 0, k = 0; y < oh; k++) {
        const height = Math.min(heights[k % heights.length], oh - y);
        const band = resize({ x: 0, y, width: ow, height }, buffer);
        expect(band.data.buffer).toBe(buffer.buffer);
        const firstMismatch = band.data.findIndex((v, i) => v !== full[y * ow + i]);
        expect(firstMismatch, `${ow}×${oh} band at ${y}, height ${height}`).toBe(-1);
        y += height;
      }
      expect(() => resize({ x: 0, y: 0, width: ow, height: 2 }, new Float32Array(ow))).toThrow(/cannot hold/);
    }
  });

  it('rejects a window outside the output', () => {
    const src = randomPlane(8, 8, 2);
    expect(() => imresizeRegion(src, 16, 16, { x: 10, y: 0, width: 7, height: 4 })).toThrow(/not inside the 16×16 output/);
    expect(() => imresizeRegion(src, 16, 16, { x: 0, y: 0, width: 0, height: 4 })).toThrow(/not inside/);
  });
});

describe('imresizeRgb', () => {
  it('resizes each channel, alpha included, then rounds and clips like MATLAB uint8', () => {
    // Channel 0 carries the 7-pixel row above, so its values are known; the others are constant.
    const values = [10, 50, 20, 200, 0, 90, 30];
    const data = new Uint8Array(7 * 4);
    for (let i = 0; i < values.length; i++) data.set([values[i], 128, 255, 64], i * 4);
    const out = imresizeRgb({ width: 7, height: 1, channels: 4, data }, 17, 1, 'lanczos3');
    expect(out.channels).toBe(4);
    const red = Array.from({ length: 17 }, (_, i) => out.data[i * 4]);
    // lanczos3 values from the reference, rounded; -4.31 clips to 0.
    expect(red).toEqual([1, 15, 40, 51, 27, 4, 50, 152, 200, 134, 26, 0, 48, 93, 79, 39, 15]);
    for (let i = 0; i < 17; i++) expect([out.data[i * 4 + 1], out.data[i * 4 + 2], out.data[i * 4 + 3]]).toEqual([128, 255, 64]);
  });
});
