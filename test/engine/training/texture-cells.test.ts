import { describe, expect, it } from 'vitest';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';
import { patchGeometry } from '../../../src/engine/training/patch-geometry.ts';
import { type BytePlane, PatchSampler } from '../../../src/engine/training/patch-sampler.ts';
import { CELL, patchLabelWindow, TEXTURE_FLOOR, TextureCells } from '../../../src/engine/training/texture-cells.ts';

/** Left half flat grey, right half noise: the texture of a label tells which half it came from. */
function halfTextured(width: number, height: number): BytePlane {
  const data = new Uint8Array(width * height).fill(100);
  const rng = Rng.keyed(7, Stream.init);
  for (let y = 0; y < height; y++) for (let x = width / 2; x < width; x++) data[y * width + x] = rng.int(256);
  return { width, height, data };
}

const geometry = patchGeometry(2, 'upsampled', 12, (n) => n - 4); // 12×12 input, 8×8 label at offset 2
const positionsOf = (plane: BytePlane) => ({ target: plane, columns: plane.width - 11, rows: plane.height - 11 });

describe('TextureCells', () => {
  it('draws textured labels far more often than flat ones, and flat ones still appear', () => {
    const plane = halfTextured(212, 60); // columns 0..200: labels left of x = 106 are flat
    const cells = new TextureCells([positionsOf(plane)], patchLabelWindow(geometry));
    const rng = Rng.keyed(1, Stream.batch, 0);
    let flat = 0;
    let textured = 0;
    for (let i = 0; i < 20_000; i++) {
      const { image, ix, iy } = cells.draw(rng);
      expect(image).toBe(0);
      expect(iy).toBeLessThan(50);
      const labelLeft = ix + geometry.labelOffset;
      if (labelLeft + geometry.outputSize <= 106) flat += 1;
      else if (labelLeft >= 106) textured += 1;
    }
    // Half the labels are textured (mean texture T/2), so a flat cell weighs FLOOR·T/2 and a textured one T + FLOOR·T/2.
    const expectedRatio = (1 + TEXTURE_FLOOR / 2) / (TEXTURE_FLOOR / 2);
    expect(textured / flat).toBeGreaterThan(expectedRatio * 0.7);
    expect(textured / flat).toBeLessThan(expectedRatio * 1.3);
    expect(flat).toBeGreaterThan(1000);
  });

  it('reaches every position, cell edges included', () => {
    const plane = halfTextured(11 + 2 * CELL + 3, 11 + CELL + 1); // cells of 8, 8 and 3 columns; 8 and 1 rows
    const cells = new TextureCells([positionsOf(plane)], patchLabelWindow(geometry));
    const rng = Rng.keyed(2, Stream.batch, 0);
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const { ix, iy } = cells.draw(rng);
      seen.add(`${ix},${iy}`);
    }
    const { columns, rows } = positionsOf(plane);
    expect(seen.size).toBe(columns * rows);
  });

  it('samples a data set without any texture uniformly, over all its images', () => {
    const flat = (w: number, h: number): BytePlane => ({ width: w, height: h, data: new Uint8Array(w * h).fill(90) });
    const cells = new TextureCells([positionsOf(flat(30, 30)), positionsOf(flat(49, 30))], patchLabelWindow(geometry));
    const rng = Rng.keyed(3, Stream.batch, 0);
    const perImage = [0, 0];
    for (let i = 0; i < 10_000; i++) perImage[cells.draw(rng).image] += 1;
    // 19×19 and 38×19 positions: the second image holds two thirds of them.
    expect(perImage[1] / 10_000).toBeCloseTo(2 / 3, 1);
  });
});

describe('PatchSampler with texture sampling', () => {
  it('is a pure function of (seed, step), and its patches come from the textured half more often', () => {
    const plane = halfTextured(212, 60);
    const sampling = { mode: 'texture' as const, stride: 14, augment: false };
    const a = new PatchSampler([{ target: plane, input: plane }], geometry, sampling, 5, 64);
    const b = new PatchSampler([{ target: plane, input: plane }], geometry, sampling, 5, 64);
    expect(b.batch(3)).toEqual(a.batch(3));
    expect(a.batch(4).x).not.toEqual(a.batch(3).x);
    const uniform = new PatchSampler([{ target: plane, input: plane }], geometry, { ...sampling, mode: 'uniform' }, 5, 64);
    const flatShare = (sampler: PatchSampler) => {
      let flat = 0;
      for (let step = 0; step < 20; step++) {
        const { target } = sampler.batch(step);
        for (let s = 0; s < 64; s++) if (target.subarray(s * 64, (s + 1) * 64).every((v) => v === Math.fround(100 / 255))) flat += 1;
      }
      return flat / (20 * 64);
    };
    expect(flatShare(a)).toBeLessThan(flatShare(uniform) / 2);
    expect(flatShare(a)).toBeGreaterThan(0);
  });
});
