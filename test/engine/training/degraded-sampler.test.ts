import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { preset } from '../../../src/engine/degrade/index.ts';
import { imresize } from '../../../src/engine/imaging/matlab-resize.ts';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';
import { DegradedSampler, degradeTileSide } from '../../../src/engine/training/degraded-sampler.ts';
import { patchGeometry } from '../../../src/engine/training/patch-geometry.ts';
import { loadTrainingPhoto } from '../../../src/engine/training/training-photo.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

const photos = [makePhoto({ width: 140, height: 120, seed: 1, noise: 0 }), makePhoto({ width: 120, height: 150, seed: 2, noise: 0 })];
const geometry = patchGeometry(2, 'lr', 32, (n) => 2 * n);
const dir = mkdtempSync(join(tmpdir(), 'srstudio-degraded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the real-photo batch sampler', () => {
  it('tiles are whole JPEG MCUs with room for every grid phase', () => {
    expect(degradeTileSide(16)).toBe(32);
    expect(degradeTileSide(32)).toBe(48);
    expect(degradeTileSide(48)).toBe(64);
    expect(degradeTileSide(21)).toBe(32);
  });

  it('the batch of a step is the same every time it is asked for (a resumed run replays it), and steps differ', async () => {
    const sampler = new DegradedSampler(photos, geometry, preset('photo').recipe, 4, 6, true);
    const a = await sampler.batch(3);
    const again = await new DegradedSampler(photos, geometry, preset('photo').recipe, 4, 6, true).batch(3);
    expect(again.x).toEqual(a.x);
    expect(again.target).toEqual(a.target);
    const next = await sampler.batch(4);
    expect(next.x).not.toEqual(a.x);
    expect(a.x.length).toBe(6 * 16 * 16);
    expect(a.target.length).toBe(6 * 32 * 32);
    for (const v of [...a.x, ...a.target]) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('with the clean recipe an input is the MATLAB-bicubic downscale of its target (patch and label line up)', async () => {
    const sampler = new DegradedSampler(photos, geometry, preset('clean').recipe, 9, 4, false);
    const { x, target } = await sampler.batch(0);
    // Away from the patch edge (where the tile's neighbours, not the patch, feed bicubic), input ≈ bicubic(target).
    for (let s = 0; s < 4; s++) {
      const hr = { width: 32, height: 32, data: target.slice(s * 1024, (s + 1) * 1024).map((v) => v * 255) };
      const lr = imresize(hr, 16, 16, 'bicubic');
      let worst = 0;
      for (let y = 2; y < 14; y++)
        for (let xx = 2; xx < 14; xx++) worst = Math.max(worst, Math.abs(lr.data[y * 16 + xx] - x[s * 256 + y * 16 + xx] * 255));
      // Rounding to bytes (RGB, then Y) on both sides: a few levels at most.
      expect(worst, `sample ${s}`).toBeLessThan(2.5);
    }
  });

  it('texture weighting draws labels with detail far more often than flat ones, and flat ones still appear', async () => {
    // Left half flat grey, right half noise: a label is flat exactly when it was cut from the left half.
    const width = 400;
    const height = 64;
    const data = new Uint8Array(width * height * 3).fill(100);
    const rng = Rng.keyed(5, Stream.init);
    for (let y = 0; y < height; y++)
      for (let x = width / 2; x < width; x++) data.fill(rng.int(256), (y * width + x) * 3, (y * width + x + 1) * 3);
    const halfFlat = [{ width, height, channels: 3 as const, data }];
    const flatShare = async (weighting: 'uniform' | 'texture') => {
      const sampler = new DegradedSampler(halfFlat, geometry, preset('clean').recipe, 3, 64, false, weighting);
      let flat = 0;
      for (let step = 0; step < 4; step++) {
        const { target } = await sampler.batch(step);
        for (let s = 0; s < 64; s++) {
          const label = target.subarray(s * 1024, (s + 1) * 1024);
          if (Math.max(...label) === Math.min(...label)) flat += 1;
        }
      }
      return flat / 256;
    };
    const uniform = await flatShare('uniform');
    const texture = await flatShare('texture');
    expect(uniform).toBeGreaterThan(0.35); // about 157 of the 337 crop positions give a flat label
    expect(texture).toBeLessThan(uniform / 2);
    expect(texture).toBeGreaterThan(0.03); // the floor keeps flat regions in training
  });

  it('refuses photos too small for a patch and its degradation margin', () => {
    const small = [makePhoto({ width: 60, height: 60, seed: 3 })];
    expect(() => new DegradedSampler(small, geometry, preset('photo').recipe, 1, 2, true)).toThrow(
      /at least 64×64 pixels, which a 16-pixel patch needs/,
    );
  });

  it('shrinks a JPEG or HEIC source by the recipe’s factor to make a cleaner target, and keeps a PNG as it is', async () => {
    const { width, height, data } = makePhoto({ width: 200, height: 160, seed: 4 });
    const jpeg = join(dir, 'camera.jpg');
    const png = join(dir, 'render.png');
    await sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 80 })
      .toFile(jpeg);
    await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toFile(png);
    const fromJpeg = await loadTrainingPhoto(jpeg, 2);
    expect(fromJpeg.shrunk).toBe(true);
    expect(fromJpeg.image).toMatchObject({ width: 100, height: 80 });
    const fromPng = await loadTrainingPhoto(png, 2);
    expect(fromPng.shrunk).toBe(false);
    expect(fromPng.image).toMatchObject({ width: 200, height: 160 });
    expect((await loadTrainingPhoto(jpeg, 1)).shrunk).toBe(false);
    // An iPhone photo (HEIC) is as lossy as a JPEG: shrunk too.
    const fromHeic = await loadTrainingPhoto(join(import.meta.dirname, '../../fixtures/heic/photo.heic'), 2);
    expect(fromHeic.shrunk).toBe(true);
    expect(fromHeic.image).toMatchObject({ width: 32, height: 24 });
  });
});
