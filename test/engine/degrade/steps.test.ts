import { describe, expect, it } from 'vitest';
import { blurPlanes } from '../../../src/engine/degrade/filter.ts';
import { resizePlanes } from '../../../src/engine/degrade/index.ts';
import { buildKernel, gaussianLine, type KernelShape } from '../../../src/engine/degrade/kernels.ts';
import { LOW_RANK_TOLERANCE, separableTerms } from '../../../src/engine/degrade/low-rank.ts';
import { addNoise, poisson } from '../../../src/engine/degrade/noise.ts';
import { applyPlan } from '../../../src/engine/degrade/pipeline.ts';
import { emptyPlanes, type RgbPlanes } from '../../../src/engine/degrade/planes.ts';
import { sharpenPlanes } from '../../../src/engine/degrade/sharpen.ts';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';

function filled(width: number, height: number, value: (x: number, y: number, c: number) => number): RgbPlanes {
  const image = emptyPlanes(width, height);
  image.planes.forEach((plane, c) => {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) plane[y * width + x] = value(x, y, c);
  });
  return image;
}

function stats(values: Float32Array | number[]): { mean: number; sd: number } {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v / n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / n;
  return { mean, sd: Math.sqrt(variance) };
}

const shape: KernelShape = { family: 'gaussian', sigmaX: 1.2, sigmaY: 1.2, theta: 0, beta: 1, cutoff: Math.PI, radius: 4 };

describe('degradation steps', () => {
  it('blurring an impulse gives back the kernel, for the separable and the full path', () => {
    for (const kernel of [buildKernel(shape), buildKernel({ ...shape, family: 'plateau', beta: 1.5 })]) {
      const impulse = filled(15, 15, (x, y) => (x === 7 && y === 7 ? 1 : 0));
      const out = blurPlanes(impulse, kernel).planes[1];
      for (let y = -4; y <= 4; y++) {
        for (let x = -4; x <= 4; x++) expect(out[(7 + y) * 15 + 7 + x]).toBeCloseTo(kernel.weights[(y + 4) * 9 + x + 4], 6);
      }
    }
  });

  it('a blur keeps a flat image flat, and the split anisotropic Gaussian follows the full kernel on a smooth image', () => {
    const flat = blurPlanes(
      filled(20, 12, () => 100),
      buildKernel({ ...shape, family: 'sinc', cutoff: 1.2 }),
    );
    for (const plane of flat.planes) for (const v of plane) expect(v).toBeCloseTo(100, 3);
    const smooth = filled(48, 48, (x, y, c) => 128 + 60 * Math.sin(x / 5 + c) * Math.cos(y / 7));
    const kernel = buildKernel({ ...shape, sigmaX: 2.2, sigmaY: 0.6, theta: 0.8, radius: 7 });
    expect(kernel.split).toBeDefined();
    const fast = blurPlanes(smooth, kernel).planes[0];
    const { split: _split, ...whole } = kernel;
    const exact = blurPlanes(smooth, whole).planes[0];
    let worst = 0;
    for (let y = 8; y < 40; y++) for (let x = 8; x < 40; x++) worst = Math.max(worst, Math.abs(fast[y * 48 + x] - exact[y * 48 + x]));
    expect(worst).toBeLessThan(0.6);
  });

  it('a Gaussian folded into the resize (prefilter) gives what blurring the whole crop first gives, border included', () => {
    const rough = filled(96, 88, (x, y, c) => (((x * 7919 + y * 104729 + c * 31) % 256) + 256) % 256);
    for (const sigma of [0.4, 1.3, 2.5]) {
      const kernel = buildKernel({ ...shape, sigmaX: sigma, sigmaY: sigma, radius: Math.ceil(3 * sigma) });
      if (!kernel.separable) throw new Error('an isotropic Gaussian is separable');
      for (const filter of ['bicubic', 'bilinear', 'area'] as const) {
        // ×4 down, an uneven shrink (the recipe's scale jitter) and an enlargement.
        for (const [width, height] of [
          [24, 22],
          [29, 19],
          [110, 100],
        ]) {
          const first = resizePlanes(blurPlanes(rough, kernel), width, height, filter);
          const folded = resizePlanes(rough, width, height, filter, kernel.separable);
          for (let c = 0; c < 3; c++) {
            for (let i = 0; i < first.planes[c].length; i++) expect(Math.abs(folded.planes[c][i] - first.planes[c][i])).toBeLessThan(1e-3);
          }
        }
      }
    }
  });

  it('a generalized, plateau or sinc kernel is a short sum of separable terms, and folded into the resize it gives what blurring first gives', async () => {
    const rough = filled(96, 88, (x, y, c) => (((x * 7919 + y * 104729 + c * 31) % 256) + 256) % 256);
    const kernels = [
      buildKernel({ ...shape, family: 'generalized', sigmaX: 2.1, sigmaY: 1.1, theta: 0.7, beta: 2.5, radius: 7 }),
      buildKernel({ ...shape, family: 'plateau', sigmaX: 1.6, sigmaY: 1.6, beta: 1.2, radius: 8 }),
      buildKernel({ ...shape, family: 'sinc', cutoff: 1.3, radius: 10 }),
    ];
    for (const kernel of kernels) {
      const terms = separableTerms(kernel.weights, kernel.size);
      expect(terms.length).toBeGreaterThan(1);
      expect(terms.length).toBeLessThan(kernel.size);
      let dropped = 0;
      for (let y = 0; y < kernel.size; y++) {
        for (let x = 0; x < kernel.size; x++) {
          const sum = terms.reduce((acc, t) => acc + t.rows[y] * t.cols[x], 0);
          dropped += Math.abs(kernel.weights[y * kernel.size + x] - sum);
        }
      }
      // float32 weights: what the terms miss is the tolerance plus the weights' own rounding.
      expect(dropped).toBeLessThan(LOW_RANK_TOLERANCE + 1e-6);
      for (const [width, height, filter] of [
        [24, 22, 'bicubic'],
        [29, 19, 'area'],
        [50, 47, 'bilinear'],
      ] as const) {
        const stage = { index: 0, blur: kernel, width, height, filter, finish: null, noise: null, sharpen: null, jpeg: null };
        const plan = { stages: [stage], target: { width, height } };
        const folded = await applyPlan(rough, plan, Rng.keyed(1, Stream.degrade));
        const first = resizePlanes(blurPlanes(rough, kernel), width, height, filter);
        for (let c = 0; c < 3; c++) {
          // 255 levels × the tolerance bounds the change; float32 sums add their own rounding.
          for (let i = 0; i < first.planes[c].length; i++) expect(Math.abs(folded.planes[c][i] - first.planes[c][i])).toBeLessThan(5e-3);
        }
      }
    }
  });

  it('the area filter averages each output pixel’s area exactly', () => {
    const image = filled(8, 6, (x, y, c) => x * 10 + y * 3 + c);
    const half = resizePlanes(image, 4, 3, 'area');
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 4; x++) {
        const expected = (2 * x + 0.5) * 10 + (2 * y + 0.5) * 3;
        expect(half.planes[0][y * 4 + x]).toBeCloseTo(expected, 4);
      }
    }
  });

  it('Gaussian noise has its σ; grey noise is the same on all channels, colour noise is not', () => {
    const colour = filled(128, 128, () => 128);
    addNoise(colour, { kind: 'gaussian', sigma: 7, grey: false }, Rng.keyed(1, Stream.degrade, 1));
    for (const plane of colour.planes) {
      const { mean, sd } = stats(plane);
      expect(mean).toBeCloseTo(128, 0);
      expect(sd).toBeGreaterThan(6.8);
      expect(sd).toBeLessThan(7.2);
    }
    expect(colour.planes[0][5]).not.toBe(colour.planes[1][5]);
    const grey = filled(64, 64, () => 90);
    addNoise(grey, { kind: 'gaussian', sigma: 5, grey: true }, Rng.keyed(1, Stream.degrade, 2));
    expect(grey.planes[1]).toEqual(grey.planes[0]);
    expect(grey.planes[2]).toEqual(grey.planes[0]);
    expect(stats(grey.planes[0]).sd).toBeGreaterThan(4.8);
  });

  it('Poisson noise grows with the signal: σ ≈ scale·√(v·255/256)', () => {
    for (const level of [16, 128]) {
      const image = filled(128, 128, () => level);
      addNoise(image, { kind: 'poisson', scale: 1, grey: false }, Rng.keyed(4, Stream.degrade, level));
      const { mean, sd } = stats(image.planes[0]);
      const expected = Math.sqrt((level * 255) / 256);
      expect(mean).toBeCloseTo(level, 0);
      expect(sd / expected).toBeGreaterThan(0.95);
      expect(sd / expected).toBeLessThan(1.05);
    }
    const rng = Rng.keyed(9, Stream.degrade, 0);
    const draws = Array.from({ length: 20_000 }, () => poisson(rng, 3.5));
    const { mean, sd } = stats(draws);
    expect(mean).toBeCloseTo(3.5, 1);
    expect(sd * sd).toBeCloseTo(3.5, 0);
  });

  it('unsharp masking adds the detail back: known halos on both sides of an edge, flat parts and colour untouched', () => {
    // A vertical edge 40 → 160 (grey), the same in every row: the mask's vertical pass leaves it as it is.
    const edge = filled(24, 6, (x) => (x < 12 ? 40 : 160));
    const amount = 0.8;
    const radius = 1.1;
    const out = sharpenPlanes(edge, { amount, radius }).planes;
    const line = gaussianLine(radius, Math.ceil(3 * radius));
    const r = (line.length - 1) / 2;
    const value = (x: number) => (Math.min(23, Math.max(0, x)) < 12 ? 40 : 160);
    for (let x = 0; x < 24; x++) {
      let blurred = 0;
      for (let k = -r; k <= r; k++) blurred += line[k + r] * value(x + k);
      const expected = value(x) + amount * (value(x) - blurred);
      for (const plane of out) expect(plane[3 * 24 + x]).toBeCloseTo(expected, 3);
    }
    expect(out[0][3 * 24 + 11]).toBeLessThan(40 - 10); // the dark halo
    expect(out[0][3 * 24 + 12]).toBeGreaterThan(160 + 10); // the bright one
    expect(out[0][3 * 24 + 2]).toBeCloseTo(40, 4);

    // On a colour image the same detail goes into R, G and B: Y changes, Cb and Cr do not.
    const colour = filled(32, 32, (x, y, c) => 100 + 50 * Math.sin(x / 2 + c) + 30 * Math.cos(y / 3 - c));
    const sharpened = sharpenPlanes(colour, { amount: 1.5, radius: 0.8 });
    let lumaChange = 0;
    for (let i = 0; i < 32 * 32; i++) {
      const [r0, g0, b0] = colour.planes.map((p) => p[i]);
      const [r1, g1, b1] = sharpened.planes.map((p) => p[i]);
      const cb = (rr: number, gg: number, bb: number) => -0.168736 * rr - 0.331264 * gg + 0.5 * bb;
      const cr = (rr: number, gg: number, bb: number) => 0.5 * rr - 0.418688 * gg - 0.081312 * bb;
      expect(cb(r1, g1, b1)).toBeCloseTo(cb(r0, g0, b0), 3);
      expect(cr(r1, g1, b1)).toBeCloseTo(cr(r0, g0, b0), 3);
      lumaChange += Math.abs(0.299 * (r1 - r0) + 0.587 * (g1 - g0) + 0.114 * (b1 - b0));
    }
    expect(lumaChange / (32 * 32)).toBeGreaterThan(1);
    expect(sharpenPlanes(colour, { amount: 0, radius: 1 }).planes).toEqual(colour.planes);
  });
});
