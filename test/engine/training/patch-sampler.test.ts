import { describe, expect, it } from 'vitest';
import { dihedralMaps } from '../../../src/engine/training/dihedral.ts';
import { patchGeometry } from '../../../src/engine/training/patch-geometry.ts';
import { type BytePlane, PatchSampler, type TrainingPair } from '../../../src/engine/training/patch-sampler.ts';
import { pairFromY } from '../../../src/engine/training/training-image.ts';

/** A plane whose value at (x, y) encodes its position, so a patch tells where it came from. */
function coordinatePlane(width: number, height: number, scale = 1): BytePlane {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = ((Math.floor(x / scale) * 7 + Math.floor(y / scale) * 13) % 251) + 1;
  return { width, height, data };
}

describe('patchGeometry', () => {
  it('centres the 21×21 label of valid SRCNN 9-1-5 in its 33×33 input', () => {
    expect(patchGeometry(3, 'upsampled', 33, (n) => n - 12)).toEqual({
      scale: 3,
      inputKind: 'upsampled',
      inputSize: 33,
      outputSize: 21,
      labelOffset: 6,
    });
  });

  it('feeds LR models patch/scale pixels and labels the whole HR patch', () => {
    expect(patchGeometry(3, 'lr', 33, (n) => 3 * n)).toEqual({ scale: 3, inputKind: 'lr', inputSize: 11, outputSize: 33, labelOffset: 0 });
  });

  it('rejects patches that do not fit the scale', () => {
    expect(() => patchGeometry(3, 'lr', 32, (n) => 3 * n)).toThrow(/does not fit scale ×3/);
    expect(() => patchGeometry(2, 'upsampled', 12, (n) => n - 13)).toThrow(/centred/);
  });
});

describe('dihedralMaps', () => {
  it('gives 8 distinct permutations, with the identity first', () => {
    const maps = dihedralMaps(4);
    expect(Array.from(maps[0])).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const keys = new Set(maps.map((m) => Array.from(m).join(',')));
    expect(keys.size).toBe(8);
    for (const m of maps) expect([...m].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });
});

describe('PatchSampler', () => {
  const upsampledPair: TrainingPair = { target: coordinatePlane(60, 50), input: coordinatePlane(60, 50) };

  it('returns the same batch for the same (seed, step), different ones otherwise', () => {
    const geometry = patchGeometry(2, 'upsampled', 12, (n) => n - 4);
    const sampling = { mode: 'uniform' as const, stride: 14, augment: true };
    const a = new PatchSampler([upsampledPair], geometry, sampling, 5, 4);
    const b = new PatchSampler([upsampledPair], geometry, sampling, 5, 4);
    expect(b.batch(9).x).toEqual(a.batch(9).x);
    expect(a.batch(10).x).not.toEqual(a.batch(9).x);
    expect(new PatchSampler([upsampledPair], geometry, sampling, 6, 4).batch(9).x).not.toEqual(a.batch(9).x);
  });

  it('cuts the label from the centre of the input region, with the same flip/rotation', () => {
    const geometry = patchGeometry(2, 'upsampled', 12, (n) => n - 4);
    const sampler = new PatchSampler([upsampledPair], geometry, { mode: 'uniform', stride: 14, augment: true }, 1, 16);
    const { x, target } = sampler.batch(0);
    for (let s = 0; s < 16; s++) {
      // Input and target planes are identical here, so the label must equal the centre 8×8 of the input patch.
      for (let y = 0; y < 8; y++) {
        for (let xx = 0; xx < 8; xx++) {
          expect(target[s * 64 + y * 8 + xx]).toBe(x[s * 144 + (y + 2) * 12 + xx + 2]);
        }
      }
    }
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
  });

  it('aligns LR input pixels with their HR blocks', () => {
    const scale = 3;
    const hr = coordinatePlane(48, 36, scale);
    const lr = coordinatePlane(16, 12);
    const geometry = patchGeometry(scale, 'lr', 12, (n) => scale * n);
    const sampler = new PatchSampler([{ target: hr, input: lr }], geometry, { mode: 'uniform', stride: 14, augment: true }, 2, 8);
    const { x, target } = sampler.batch(3);
    for (let s = 0; s < 8; s++) {
      for (let y = 0; y < 12; y++) {
        for (let xx = 0; xx < 12; xx++) {
          expect(target[s * 144 + y * 12 + xx]).toBe(x[s * 16 + Math.floor(y / scale) * 4 + Math.floor(xx / scale)]);
        }
      }
    }
  });

  it('walks every fixed sub-image once per epoch in stride mode', () => {
    const geometry = patchGeometry(3, 'upsampled', 33, (n) => n - 12);
    const plane = coordinatePlane(61, 47);
    const sampler = new PatchSampler([{ target: plane, input: plane }], geometry, { mode: 'stride', stride: 14, augment: false }, 4, 2);
    // x positions 0,14,28 (61-33=28), y positions 0,14 (47-33=14): 6 sub-images.
    expect(sampler.positionCount).toBe(6);
    const corners = new Set<number>();
    for (let step = 0; step < 3; step++) {
      const { x } = sampler.batch(step);
      for (let s = 0; s < 2; s++) corners.add(x[s * 33 * 33]);
    }
    expect(corners.size).toBe(6);
  });

  it('says which patch size is too large', () => {
    const geometry = patchGeometry(3, 'upsampled', 33, (n) => n - 12);
    const small = coordinatePlane(20, 20);
    expect(
      () => new PatchSampler([{ target: small, input: small }], geometry, { mode: 'uniform', stride: 14, augment: true }, 1, 1),
    ).toThrow(
      expect.objectContaining({
        code: 'TOO_SMALL',
        message: expect.stringMatching(/33×33/),
        hint: expect.stringMatching(/smaller --patch/),
      }),
    );
  });
});

describe('pairFromY', () => {
  it('modcrops, downscales with MATLAB bicubic and pre-upsamples to uint8 planes', () => {
    const y = coordinatePlane(31, 20);
    const up = pairFromY(y, 3, 'upsampled');
    expect([up.target.width, up.target.height, up.input.width, up.input.height]).toEqual([30, 18, 30, 18]);
    const lr = pairFromY(y, 3, 'lr');
    expect([lr.input.width, lr.input.height]).toEqual([10, 6]);
    // A flat image stays flat through the degradation: bicubic weights are normalised.
    const flat = pairFromY({ width: 12, height: 12, data: new Uint8Array(144).fill(90) }, 2, 'upsampled');
    expect(new Set(flat.input.data)).toEqual(new Set([90]));
  });
});
