import { describe, expect, it } from 'vitest';
import { besselJ1, buildKernel, drawKernel, type KernelShape } from '../../../src/engine/degrade/kernels.ts';
import { preset } from '../../../src/engine/degrade/presets.ts';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';

const base: KernelShape = { family: 'gaussian', sigmaX: 1, sigmaY: 1, theta: 0, beta: 1, cutoff: Math.PI, radius: 3 };

function sum(values: Float32Array): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Second moments of a kernel about its centre: its covariance. */
function covariance(weights: Float32Array, size: number): { xx: number; yy: number; xy: number } {
  const r = (size - 1) / 2;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let y = -r; y <= r; y++) {
    for (let x = -r; x <= r; x++) {
      const w = weights[(y + r) * size + x + r];
      xx += w * x * x;
      yy += w * y * y;
      xy += w * x * y;
    }
  }
  return { xx, yy, xy };
}

describe('blur kernels', () => {
  it('an isotropic Gaussian has the known weights, sums to 1 and is the outer product of its 1-D kernel', () => {
    const k = buildKernel(base);
    expect(k.size).toBe(7);
    expect(sum(k.weights)).toBeCloseTo(1, 6);
    // exp(-½) / exp(0) between a centre neighbour and the centre, for σ = 1.
    expect(k.weights[3 * 7 + 4] / k.weights[3 * 7 + 3]).toBeCloseTo(Math.exp(-0.5), 6);
    expect(k.separable).toBeDefined();
    const line = k.separable as Float32Array;
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) expect(k.weights[y * 7 + x]).toBeCloseTo(line[y] * line[x], 7);
  });

  it('an anisotropic Gaussian has the covariance of its σs and rotation, and a split form', () => {
    const theta = Math.PI / 6;
    const k = buildKernel({ ...base, sigmaX: 2, sigmaY: 0.7, theta, radius: 10 });
    const { xx, yy, xy } = covariance(k.weights, k.size);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    expect(xx).toBeCloseTo(4 * c * c + 0.49 * s * s, 1);
    expect(yy).toBeCloseTo(4 * s * s + 0.49 * c * c, 1);
    expect(xy).toBeCloseTo((4 - 0.49) * c * s, 1);
    expect(k.separable).toBeUndefined();
    expect(k.split?.line.sigma).toBeCloseTo(Math.sqrt(4 - 0.49), 6);
    expect(k.split?.line.theta).toBeCloseTo(theta, 6);
  });

  it('a generalized Gaussian with β = 1 is the Gaussian; β > 1 has a flat top and light tails, β < 1 heavy tails', () => {
    const gaussian = buildKernel({ ...base, sigmaX: 2, sigmaY: 2, radius: 5 });
    const same = buildKernel({ ...base, sigmaX: 2, sigmaY: 2, family: 'generalized', beta: 1, radius: 5 });
    for (const [i, w] of same.weights.entries()) expect(w).toBeCloseTo(gaussian.weights[i], 7);
    const centre = 5 * 11 + 5;
    const ratio = (k: { weights: Float32Array }, dx: number) => k.weights[centre + dx] / k.weights[centre];
    const flat = buildKernel({ ...base, sigmaX: 2, sigmaY: 2, family: 'generalized', beta: 3, radius: 5 });
    const heavy = buildKernel({ ...base, sigmaX: 2, sigmaY: 2, family: 'generalized', beta: 0.5, radius: 5 });
    // One pixel out (d² = ¼): exp(−½·¼³) for β = 3, against the Gaussian's exp(−⅛).
    expect(ratio(flat, 1)).toBeCloseTo(Math.exp(-0.5 * 0.25 ** 3), 5);
    expect(ratio(flat, 1)).toBeGreaterThan(ratio(gaussian, 1));
    // Four pixels out (d² = 4): the Gaussian's exp(−2) sits between the two.
    expect(ratio(flat, 4)).toBeLessThan(ratio(gaussian, 4));
    expect(ratio(heavy, 4)).toBeCloseTo(Math.exp(-0.5 * 2), 5);
    expect(ratio(heavy, 4)).toBeGreaterThan(ratio(gaussian, 4));
  });

  it('a plateau kernel is 1 / (1 + d^β)', () => {
    const k = buildKernel({ ...base, family: 'plateau', sigmaX: 1.5, sigmaY: 1.5, beta: 2, radius: 4 });
    const centre = 4 * 9 + 4;
    // d² = (2/1.5)² at two pixels right: 1 / (1 + d^(2β)/…): the profile uses (d²)^β.
    expect(k.weights[centre + 2] / k.weights[centre]).toBeCloseTo(1 / (1 + (4 / 2.25) ** 2), 5);
  });

  it('Bessel J1 matches tabulated values, and the sinc kernel rings (has negative lobes)', () => {
    expect(besselJ1(1)).toBeCloseTo(0.4400505857, 7);
    expect(besselJ1(5)).toBeCloseTo(-0.3275791376, 7);
    expect(besselJ1(-2)).toBeCloseTo(-0.5767248078, 7);
    const k = buildKernel({ ...base, family: 'sinc', cutoff: Math.PI / 3, radius: 7 });
    expect(sum(k.weights)).toBeCloseTo(1, 6);
    expect(Math.min(...k.weights)).toBeLessThan(0);
  });

  it('drawn kernels come from the recipe: the same seed gives the same kernel, within 21×21', () => {
    const blur = preset('heavy').recipe.stages[0].blur;
    if (!blur) throw new Error('heavy has a blur');
    const families = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const a = drawKernel(Rng.keyed(3, Stream.degrade, i), blur);
      const b = drawKernel(Rng.keyed(3, Stream.degrade, i), blur);
      expect(b.weights).toEqual(a.weights);
      expect(a.size).toBeLessThanOrEqual(21);
      expect(sum(a.weights)).toBeCloseTo(1, 5);
      families.add(a.family);
    }
    expect([...families].sort()).toEqual(['gaussian', 'generalized', 'plateau', 'sinc']);
  });
});
