import { describe, expect, it } from 'vitest';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';
import { learningRateAt } from '../../../src/engine/training/schedule.ts';

describe('Rng', () => {
  it('is a pure function of (seed, stream, counter)', () => {
    const a = Rng.keyed(7, Stream.batch, 123);
    const b = Rng.keyed(7, Stream.batch, 123);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    const other = Rng.keyed(7, Stream.batch, 124);
    expect(Array.from({ length: 20 }, () => other.nextUint32())).not.toEqual(seqA);
    const otherSeed = Rng.keyed(8, Stream.batch, 123);
    expect(Array.from({ length: 20 }, () => otherSeed.nextUint32())).not.toEqual(seqA);
  });

  it('continues exactly from a saved state', () => {
    const rng = Rng.keyed(1, Stream.init);
    for (let i = 0; i < 5; i++) rng.next();
    const restored = Rng.fromState(rng.state());
    expect(Array.from({ length: 10 }, () => restored.next())).toEqual(Array.from({ length: 10 }, () => rng.next()));
  });

  it('draws uniform integers, permutations and normals with the right statistics', () => {
    const rng = Rng.keyed(3, Stream.batch, 0);
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 80_000; i++) counts[rng.int(8)] += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const perm = Array.from(rng.permutation(100));
    expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 50_000; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / 50_000)).toBeLessThan(0.02);
    expect(Math.abs(sq / 50_000 - 1)).toBeLessThan(0.03);
  });
});

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect(learningRateAt({ kind: 'constant', lr: 1e-3, totalSteps: 100 }, 57)).toBe(1e-3);
  });

  it('halves every quarter of the run by default in step mode', () => {
    const config = { kind: 'step' as const, lr: 1e-3, totalSteps: 100 };
    expect(learningRateAt(config, 0)).toBe(1e-3);
    expect(learningRateAt(config, 24)).toBe(1e-3);
    expect(learningRateAt(config, 25)).toBe(5e-4);
    expect(learningRateAt(config, 99)).toBeCloseTo(1.25e-4, 12);
    expect(learningRateAt({ ...config, stepEvery: 10, gamma: 0.1 }, 20)).toBeCloseTo(1e-5, 12);
  });

  it('decays from lr to minLr along a half cosine', () => {
    const config = { kind: 'cosine' as const, lr: 1e-3, totalSteps: 101, minLr: 0 };
    expect(learningRateAt(config, 0)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(config, 50)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(config, 100)).toBeCloseTo(0, 12);
    expect(learningRateAt({ ...config, minLr: undefined }, 100)).toBeCloseTo(1e-5, 12);
  });
});
