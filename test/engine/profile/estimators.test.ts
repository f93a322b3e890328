import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizePlanes } from '../../../src/engine/degrade/pipeline.ts';
import { imageToPlanes, planesToImage } from '../../../src/engine/degrade/planes.ts';
import { gaussianBlur } from '../../../src/engine/profile/gaussian-blur.ts';
import { profilePhoto } from '../../../src/engine/profile/photo-profile.ts';
import { highResBlur } from '../../../src/engine/profile/recipe-from-profile.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { cleanScene, type KnownLook, writeDegraded } from '../../helpers/profile-photos.ts';

/**
 * The pixel estimators against known degradations: photo-like scenes (sharp's SVG renderer) blurred by sharp,
 * given Gaussian noise, and saved by sharp's libjpeg, then profiled from the files like any photo.
 * "Near" is the bar: within 1 level or 25 % for noise; within 0.25 px or 20 % for blur.
 */

let dir: string;
let scene: Awaited<ReturnType<typeof cleanScene>>;
let count = 0;

beforeAll(async () => {
  dir = tempDir('srs-profile-est-');
  scene = await cleanScene(480, 360, 44);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function profileOf(look: KnownLook) {
  count += 1;
  const file = await writeDegraded(dir, `photo-${count}.${look.quality === undefined ? 'png' : 'jpg'}`, scene, { seed: count, ...look });
  return profilePhoto(file);
}

function expectNear(estimate: number | undefined, truth: number, absolute: number, relative: number, what: string): void {
  expect(estimate, what).toBeDefined();
  expect(Math.abs((estimate ?? Number.NaN) - truth), `${what}: estimated ${estimate}, truth ${truth}`).toBeLessThanOrEqual(
    Math.max(absolute, relative * truth),
  );
}

/** Colour noise of σ per channel shows in JPEG's luma with σ·√(0.299² + 0.587² + 0.114²). */
const LUMA_SHARE = Math.hypot(0.299, 0.587, 0.114);

describe('noise σ', () => {
  it('is recovered on lossless photos: grey noise in luma only, colour noise in both', { timeout: 180_000 }, async () => {
    for (const sigma of [2, 5, 10]) {
      const { noise } = await profileOf({ noise: sigma, grey: true });
      expectNear(noise?.luma, sigma, 1, 0.25, `grey σ ${sigma}, luma`);
      expect(noise?.colour, `grey σ ${sigma} has no colour noise`).toBeLessThan(0.5);
    }
    const { noise } = await profileOf({ noise: 6, grey: false });
    expectNear(noise?.colour, 6, 1, 0.25, 'colour σ 6, colour');
    expectNear(noise?.luma, 6 * LUMA_SHARE, 1, 0.25, 'colour σ 6, luma');
    const clean = await profileOf({});
    expect(clean.noise?.luma).toBeLessThan(0.5);
  });

  it('is recovered after a JPEG, which by itself hides most of it', { timeout: 180_000 }, async () => {
    for (const [sigma, quality] of [
      [3, 90],
      [6, 85],
      [10, 75],
    ]) {
      const { noise, jpeg } = await profileOf({ noise: sigma, grey: true, quality });
      expect(jpeg?.quality).toBe(quality);
      expectNear(noise?.luma, sigma, 1, 0.25, `grey σ ${sigma} then JPEG ${quality}`);
      // What the decoded pixels show by themselves is far below the truth: the calibration is what brings it back.
      expect(noise?.measured.y, `raw reading at quality ${quality}`).toBeLessThan(0.8 * sigma);
    }
  });

  it('sees colour noise through a 4:4:4 JPEG, and says when 4:2:0 chroma hides it', { timeout: 180_000 }, async () => {
    const full = await profileOf({ noise: 6, grey: false, quality: 95, chroma: '4:4:4' });
    expectNear(full.noise?.colour, 6, 1, 0.25, 'colour σ 6 then JPEG 95 4:4:4');
    const half = await profileOf({ noise: 6, grey: false, quality: 80, chroma: '4:2:0' });
    // JPEG's half-resolution, coarsely quantised chroma removes colour noise of this size: the profile says so…
    expect(half.noise?.colourHidden).toBeGreaterThanOrEqual(6);
    // …and still finds its share of brightness noise.
    expectNear(half.noise?.luma, 6 * LUMA_SHARE, 1, 0.25, 'colour σ 6 then JPEG 80 4:2:0, luma');
  });
});

describe('blur σ', () => {
  it('orders known Gaussian blurs and lands near each', { timeout: 180_000 }, async () => {
    const estimates: number[] = [];
    for (const sigma of [0.6, 1, 1.5, 2.2]) {
      const { blur } = await profileOf({ blur: sigma });
      expectNear(blur?.sigma, sigma, 0.25, 0.2, `blur σ ${sigma}`);
      estimates.push(blur?.sigma ?? Number.NaN);
    }
    expect([...estimates].sort((a, b) => a - b)).toEqual(estimates);
    const sharp = await profileOf({});
    expect(sharp.blur?.sigma).toBeLessThan(0.6);
  });

  it('holds under camera-like noise and JPEG', { timeout: 120_000 }, async () => {
    const { blur, noise } = await profileOf({ blur: 1.2, noise: 3, grey: true, quality: 85 });
    expectNear(blur?.sigma, 1.2, 0.25, 0.2, 'blur σ 1.2 with noise σ 3 and JPEG 85');
    expectNear(noise?.luma, 3, 1, 0.25, 'noise σ 3 with blur 1.2 and JPEG 85');
  });
});

describe('the recipe’s blur, converted for the training scale', () => {
  it('makes a sharp original, blurred and shrunk as training does, look like the photos measured', { timeout: 120_000 }, async () => {
    for (const scale of [2, 4]) {
      const original = imageToPlanes(await cleanScene(240 * scale, 180 * scale, 70 + scale));
      const sigma = await highResBlur(1.2, scale);
      const input = resizePlanes(gaussianBlur(original, sigma), 240, 180, 'bicubic');
      const file = path.join(dir, `shrunk-x${scale}.png`);
      const image = planesToImage(input);
      await sharp(image.data, { raw: { width: 240, height: 180, channels: 3 } })
        .png()
        .toFile(file);
      const { blur } = await profilePhoto(file);
      expectNear(blur?.sigma, 1.2, 0.25, 0.2, `×${scale}: σ_hr ${sigma.toFixed(2)} then a bicubic shrink`);
    }
  });
});
