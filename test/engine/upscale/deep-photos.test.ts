import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodedPhoto, RgbImage } from '../../../src/engine/imaging/image.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { photoLikeImage, tempDir } from '../../helpers/models-photo.ts';
import { type TinyModelKind, writeTinyModel } from '../../helpers/models-tiny.ts';

/**
 * A 16-bit photo (a PNG or TIFF from a raw developer) upscaled: its samples stay 16-bit through every model kind, the
 * resize to a size no pass gives, and alpha; reduced to 8 bits, the output is what the 8-bit photo gives.
 */

let dir: string;
const models = new Map<string, LoadedModel>();

async function model(kind: TinyModelKind): Promise<LoadedModel> {
  let m = models.get(kind);
  if (!m) {
    m = await loadModel(await writeTinyModel(dir, kind, { scale: 2 }), { stateDir: dir });
    models.set(kind, m);
  }
  return m;
}

beforeAll(() => {
  dir = tempDir('srs-deep-');
});
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The photo-like image in 16 bits, each sample moved within its 8-bit level (so that 8 bits cannot hold it). */
function deepPhoto(width: number, height: number, channels: 3 | 4): RgbImage<Uint16Array> {
  const eight = photoLikeImage(width, height, channels);
  const data = new Uint16Array(eight.data.length);
  for (let i = 0; i < data.length; i++) {
    const alpha = channels === 4 && i % 4 === 3;
    // Alpha keeps its extremes exact (fully transparent and opaque pixels), and is moved like colour in between.
    const within = alpha && (eight.data[i] === 0 || eight.data[i] === 255) ? 0 : ((i * 37) % 200) - 100;
    data[i] = Math.min(65535, Math.max(0, eight.data[i] * 257 + within));
  }
  return { width, height, channels, data };
}

/** The same photo as 8-bit samples, each rounded to its nearest level. */
function rounded(image: RgbImage<Uint16Array>): RgbImage {
  return { ...image, data: Uint8Array.from(image.data, (v) => Math.round(v / 257)) };
}

const photoOf = <D extends Uint8Array | Uint16Array>(image: RgbImage<D>): DecodedPhoto<D> => ({ image, metadata: { format: 'png' } });

/** Largest difference between a 16-bit output brought to 8 bits and an 8-bit one, and their mean difference. */
function differenceInLevels(deep: Uint16Array, eight: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < deep.length; i++) {
    const d = Math.abs(deep[i] / 257 - eight[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / deep.length };
}

/** The share of samples that lie between two 8-bit levels (an 8-bit image has none). */
function betweenLevels(data: Uint16Array): number {
  let count = 0;
  for (const v of data) if (v % 257 !== 0) count++;
  return count / data.length;
}

describe('upscaling a 16-bit photo', () => {
  const kinds: TinyModelKind[] = ['y-lr', 'y-upsampled-same', 'rgb-lr', 'rgb-upsampled'];
  for (const kind of kinds) {
    it(`keeps 16 bits through a ${kind} model, and agrees with the 8-bit photo's output`, async () => {
      const deep = deepPhoto(61, 47, 3);
      const m = await model(kind);
      const out = await upscalePhoto(photoOf(deep), { model: m, device: 'cpu', tile: 24 });
      const reference = await upscalePhoto(photoOf(rounded(deep)), { model: m, device: 'cpu', tile: 24 });

      expect(out.data).toBeInstanceOf(Uint16Array);
      expect([out.width, out.height, out.channels, out.data.length]).toEqual([122, 94, 3, 122 * 94 * 3]);
      expect(betweenLevels(out.data)).toBeGreaterThan(0.9);
      // The inputs differ by up to half a level per sample, and the 8-bit output is rounded once more.
      const { max, mean } = differenceInLevels(out.data, reference.data);
      expect(max).toBeLessThan(kind.endsWith('upsampled') || kind.endsWith('same') ? 2.5 : 1.2);
      expect(mean).toBeLessThan(0.6);
    });
  }

  it('gives a smooth 16-bit ramp many more output levels than its 8-bit rounding has', async () => {
    // A shallow ramp: 8 bits hold 16 levels of it, 16 bits over 4,000.
    const width = 96;
    const height = 8;
    const data = new Uint16Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data.fill(30000 + x * 43, (y * width + x) * 3, (y * width + x + 1) * 3);
    }
    const ramp: RgbImage<Uint16Array> = { width, height, channels: 3, data };
    const out = await upscalePhoto(photoOf(ramp), { model: await model('y-lr'), device: 'cpu' });
    const eight = await upscalePhoto(photoOf(rounded(ramp)), { model: await model('y-lr'), device: 'cpu' });

    // Along one output row (192 pixels), away from the border rows.
    const row = 8;
    const greens = (samples: Uint8Array | Uint16Array) => new Set(Array.from({ length: 192 }, (_, x) => samples[(row * 192 + x) * 3 + 1]));
    expect(greens(eight.data).size).toBeLessThan(40);
    expect(greens(out.data).size).toBeGreaterThan(150);
  });

  it('keeps 16-bit alpha, and reaches a size no pass gives (a lanczos3 reduction of the ×2 pass) in 16 bits', async () => {
    const deep = deepPhoto(40, 30, 4);
    const m = await model('y-lr');
    const native = await upscalePhoto(photoOf(deep), { model: m, device: 'cpu' });
    const reduced = await upscalePhoto(photoOf(deep), { model: m, device: 'cpu', scale: 1.5 });
    const reference = await upscalePhoto(photoOf(rounded(deep)), { model: m, device: 'cpu', scale: 1.5 });

    expect(native.data).toBeInstanceOf(Uint16Array);
    expect([native.width, native.height, native.channels]).toEqual([80, 60, 4]);
    expect(reduced.data).toBeInstanceOf(Uint16Array);
    expect([reduced.width, reduced.height, reduced.channels]).toEqual([60, 45, 4]);
    expect(betweenLevels(reduced.data)).toBeGreaterThan(0.5);
    // The disc is opaque: exactly 65535 there, as 255 is in 8 bits; its left edge is transparent (alpha ramps from 0).
    const alphaAt = (image: RgbImage<Uint16Array>, x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];
    expect(alphaAt(native, 48, 24)).toBe(65535);
    expect(alphaAt(native, 0, 50)).toBeLessThan(257);
    // Colour under partial alpha is filtered premultiplied in the reduction, as in 8 bits.
    const { max, mean } = differenceInLevels(reduced.data, reference.data);
    expect(max).toBeLessThan(3);
    expect(mean).toBeLessThan(0.6);
  });
});
