import { describe, expect, it } from 'vitest';
import { ActivationHistogram } from '../../../src/engine/quantize/activation-range.ts';
import { int8PerChannel, int32Bias, uint8Affine } from '../../../src/engine/quantize/quant-math.ts';
import { seededRandom } from '../../../src/engine/seeded-random.ts';

describe('int8 quantisation numbers', () => {
  it('uint8 activations keep zero exact, whatever the range', () => {
    for (const [lo, hi] of [
      [0, 6],
      [-0.3, 0.9],
      [0.2, 0.8],
      [-2, -1],
    ]) {
      const { scale, zeroPoint } = uint8Affine(lo, hi);
      expect(Number.isInteger(zeroPoint) && zeroPoint >= 0 && zeroPoint <= 255).toBe(true);
      // 0 is the level zeroPoint; the range, widened to hold 0, is covered to within the one step zero costs.
      expect(scale).toBeCloseTo((Math.max(hi, 0) - Math.min(lo, 0)) / 255, 6);
      expect(scale * (0 - zeroPoint)).toBeLessThanOrEqual(Math.min(lo, 0) + scale);
      expect(scale * (255 - zeroPoint)).toBeGreaterThanOrEqual(Math.max(hi, 0) - scale);
    }
  });

  it('weights are symmetric per output channel, and biases int32 at input × weight scale', () => {
    const w = Float32Array.of(0.5, -0.3, 0.1, /* channel 1: */ 0.011, -0.02, 0, /* channel 2: */ 0, 0, 0);
    const { values, scales } = int8PerChannel(w, 3, (i) => Math.floor(i / 3));
    expect([...values]).toEqual([127, -76, 25, 70, -127, 0, 0, 0, 0]);
    expect(scales[0]).toBeCloseTo(0.5 / 127, 9);
    expect(scales[2]).toBe(1);
    const bias = int32Bias(Float32Array.of(0.1, -0.1, 0), 0.01, scales);
    expect(bias.values[0]).toBe(Math.round(0.1 / Math.fround(0.01 * scales[0])));
    expect(bias.values[2]).toBe(0);
  });

  it('on heavy-tailed activations, trims the tail and rounds with less error than min/max', () => {
    const rand = seededRandom(9);
    // Laplacian values: most near 0, a long thin tail (as conv outputs at edges are).
    const values = Array.from({ length: 50_000 }, () => Math.log(1 - rand()) * (rand() < 0.5 ? 1 : -1) * 0.2);
    const h = new ActivationHistogram();
    for (const v of values) h.widen(v);
    for (const v of values) h.add(v);
    const roundTripError = ([lo, hi]: [number, number]) => {
      const { scale, zeroPoint } = uint8Affine(lo, hi);
      let sum = 0;
      for (const v of values) sum += (scale * (Math.min(255, Math.max(0, Math.round(v / scale) + zeroPoint)) - zeroPoint) - v) ** 2;
      return sum / values.length;
    };
    const minmax = h.range('minmax');
    const mse = h.range('mse');
    expect(mse[0]).toBeGreaterThan(minmax[0]);
    expect(mse[1]).toBeLessThan(minmax[1]);
    expect(roundTripError(mse)).toBeLessThan(roundTripError(minmax));
  });

  it('ReLU outputs start at zero, and their many exact zeros do not shrink the range', () => {
    const h = new ActivationHistogram();
    const values = [...new Array(50_000).fill(0), ...Array.from({ length: 1000 }, (_, i) => i / 1000)];
    for (const v of values) h.widen(v);
    for (const v of values) h.add(v);
    const [lo, hi] = h.range('mse');
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.95);
  });
});
