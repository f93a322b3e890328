import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrainingPair } from '../../../src/engine/training/training-image.ts';
import { loadTrainingPhoto } from '../../../src/engine/training/training-photo.ts';

const dir = mkdtempSync(join(tmpdir(), 'srstudio-cutout-training-'));
const cutout = join(dir, 'cutout.png');
const width = 64;
const height = 48;
const colour = [200, 120, 40];

beforeAll(async () => {
  // A cutout as many editors store it: an opaque orange left half, and black under alpha 0 on the right.
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) rgba.set([...colour, 255], (y * width + x) * 4);
  }
  await sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toFile(cutout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('training on photos with transparency', () => {
  it('a real-photo training photo carries the nearest visible colour where it is transparent, not the black stored there', async () => {
    const { image } = await loadTrainingPhoto(cutout, 2);
    expect(image.channels).toBe(3);
    for (let p = 0; p < width * height; p++) expect([...image.data.subarray(p * 3, p * 3 + 3)]).toEqual(colour);
  });

  it('so does a clean-protocol training pair: the label has no edge where the cutout ends', async () => {
    const { target } = await loadTrainingPair(cutout, 2, 'upsampled');
    const y = Math.round(16 + (65.481 * colour[0] + 128.553 * colour[1] + 24.966 * colour[2]) / 255);
    expect(new Set(target.data)).toEqual(new Set([y]));
  });
});
