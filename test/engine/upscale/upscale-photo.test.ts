import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import type { DecodedPhoto } from '../../../src/engine/imaging/image.ts';
import { imresize, imresizeRgb } from '../../../src/engine/imaging/matlab-resize.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { type UpscaleProgress, upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { decodedPhotoLike, psnr, tempDir } from '../../helpers/models-photo.ts';
import { type TinyModelKind, writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let photo: DecodedPhoto;
let rgba: DecodedPhoto;
const models = new Map<string, LoadedModel>();

async function model(kind: TinyModelKind, scale = 2): Promise<LoadedModel> {
  const key = `${kind}-${scale}`;
  let m = models.get(key);
  if (!m) {
    m = await loadModel(await writeTinyModel(dir, kind, { scale }), { stateDir: dir });
    models.set(key, m);
  }
  return m;
}

beforeAll(async () => {
  dir = tempDir('srs-upscale-');
  photo = await decodedPhotoLike(dir, 97, 61);
  rgba = await decodedPhotoLike(dir, 50, 40, 4);
});
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('upscalePhoto', () => {
  it('a Y identity model reproduces MATLAB bicubic (CbCr are bicubic; Y is the bicubic input), tiled', async () => {
    const progress: UpscaleProgress[] = [];
    const out = await upscalePhoto(photo, {
      model: await model('y-identity'),
      device: 'cpu',
      tile: 30,
      onProgress: (p) => progress.push(p),
    });
    const reference = imresizeRgb(photo.image, 194, 122);
    expect([out.width, out.height, out.channels]).toEqual([194, 122, 3]);
    // Only rounding differs (Y is rounded to uint8 before the model, as the protocol's pre-upsampling is).
    expect(maxAbsDiff(out.data, reference.data)).toBeLessThanOrEqual(2);
    expect(psnr(out, reference)).toBeGreaterThan(50);
    // Monotonic progress over several tiles, ending complete.
    const counted = progress.filter((p) => p.total > 0);
    expect(counted.at(-1)?.done).toBe(counted.at(-1)?.total);
    expect(counted.at(-1)?.total).toBeGreaterThan(4);
    for (let i = 1; i < counted.length; i++) expect(counted[i].done).toBeGreaterThanOrEqual(counted[i - 1].done);
  });

  for (const kind of ['y-upsampled-same', 'y-upsampled-valid', 'y-lr', 'rgb-lr', 'rgb-upsampled'] as const) {
    it(`${kind}: sane ×2 output close to bicubic (these near-identity fixtures stay near it)`, async () => {
      const out = await upscalePhoto(photo, { model: await model(kind), device: 'cpu', tile: 32 });
      expect([out.width, out.height]).toEqual([194, 122]);
      expect(psnr(out, imresizeRgb(photo.image, 194, 122))).toBeGreaterThan(27);
    });
  }

  const targets: [string, { scale?: number; width?: number; height?: number }, number, number][] = [
    ['×1.5', { scale: 1.5 }, 146, 92],
    ['×2.5', { scale: 2.5 }, 243, 153],
    ['--width 300', { width: 300 }, 300, 189],
    ['--height 100', { height: 100 }, 159, 100],
    ['--width 250 --height 90', { width: 250, height: 90 }, 250, 90],
  ];
  for (const [label, request, width, height] of targets) {
    it(`${label}: exact size ${width}×${height} and content matching a bicubic reference`, async () => {
      const out = await upscalePhoto(photo, { model: await model('y-identity'), device: 'cpu', ...request });
      expect([out.width, out.height, out.channels]).toEqual([width, height, 3]);
      // Not garbled: close to a direct bicubic resize to the same size.
      expect(psnr(out, imresizeRgb(photo.image, width, height))).toBeGreaterThan(30);
    });
  }

  it('×2.5 with a ×2 model runs it twice; with a ×3 alternative runs that once', async () => {
    const notes: string[] = [];
    await upscalePhoto(photo, {
      model: await model('y-lr', 2),
      device: 'cpu',
      scale: 2.5,
      onProgress: (p) => p.note && notes.push(p.note),
    });
    expect(notes.some((n) => n.includes('pass 2 of 2'))).toBe(true);
    const once: string[] = [];
    const out = await upscalePhoto(photo, {
      model: await model('y-lr', 2),
      alternatives: [await model('y-lr', 3)],
      device: 'cpu',
      scale: 2.5,
      onProgress: (p) => p.note && once.push(p.note),
    });
    expect(once.some((n) => n.includes('pass'))).toBe(false);
    expect([out.width, out.height]).toEqual([243, 153]);
  });

  it("keeps alpha: enlarged separately by bicubic on the colour planes' grid, opaque areas stay opaque", async () => {
    const out = await upscalePhoto(rgba, { model: await model('y-identity'), device: 'cpu' });
    expect([out.width, out.height, out.channels]).toEqual([100, 80, 4]);
    const alpha = new Float32Array(50 * 40);
    for (let i = 0; i < alpha.length; i++) alpha[i] = rgba.image.data[i * 4 + 3];
    // MATLAB's bicubic, centre-aligned like the model's own bicubic skip and the Cb/Cr planes.
    const bicubic = imresize({ width: 50, height: 40, data: alpha }, 100, 80, 'bicubic').data;
    const expected = Uint8Array.from(bicubic, (v) => Math.min(255, Math.max(0, Math.round(v))));
    const got = new Uint8Array(100 * 80);
    for (let i = 0; i < got.length; i++) got[i] = out.data[i * 4 + 3];
    expect(maxAbsDiff(got, expected)).toBe(0);
    // The centre of the opaque disc.
    expect(out.data[(32 * 100 + 60) * 4 + 3]).toBe(255);
  });

  it("keeps a cutout's edge its own colour: transparent pixels stored black do not darken the enlarged rim", async () => {
    // A disc of one colour on fully transparent black, as editors save logos and cutouts.
    const width = 48;
    const data = new Uint8Array(width * width * 4);
    for (let i = 0; i < width * width; i++) {
      if (Math.hypot((i % width) - 23.5, Math.floor(i / width) - 23.5) < 15) data.set([230, 180, 40, 255], i * 4);
    }
    const cutout: DecodedPhoto = { image: { width, height: width, channels: 4, data }, metadata: { format: 'png' } };
    // The identity model (MATLAB bicubic) keeps a flat colour flat, so the rim's colour is the disc's, up to rounding.
    const out = await upscalePhoto(cutout, { model: await model('y-identity'), device: 'cpu' });
    let rim = 0;
    for (let i = 0; i < out.data.length; i += 4) {
      if (out.data[i + 3] === 0 || out.data[i + 3] === 255) continue;
      rim += 1;
      // Before: the rim took in the black under alpha 0 (about half as bright at alpha ≈ 128).
      expect(Math.abs(out.data[i] - 230) + Math.abs(out.data[i + 1] - 180) + Math.abs(out.data[i + 2] - 40)).toBeLessThanOrEqual(3);
    }
    expect(rim).toBeGreaterThan(100);
  });

  it('cancels with CANCELLED when the signal fires mid-way', async () => {
    const controller = new AbortController();
    const error = await upscalePhoto(photo, {
      model: await model('y-upsampled-same'),
      device: 'cpu',
      tile: 16,
      batch: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('CANCELLED');
  });

  it('works on images smaller than the receptive field (1×1, 3×2), valid and same padding', async () => {
    for (const [w, h] of [
      [1, 1],
      [3, 2],
    ]) {
      const tiny = {
        image: { width: w, height: h, channels: 3 as const, data: new Uint8Array(w * h * 3).fill(120) },
        metadata: { format: 'png' },
      };
      for (const kind of ['y-upsampled-valid', 'y-upsampled-same', 'rgb-lr'] as const) {
        const out = await upscalePhoto(tiny, { model: await model(kind), device: 'cpu' });
        expect([out.width, out.height]).toEqual([2 * w, 2 * h]);
        // A flat grey stays close to flat grey.
        for (const v of out.data) expect(Math.abs(v - 120)).toBeLessThan(20);
      }
    }
  });

  it('refuses a nonsense target with BAD_ARGUMENT', async () => {
    const error = await upscalePhoto(photo, { model: await model('y-identity'), device: 'cpu', width: -3 }).catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('BAD_ARGUMENT');
    expect((error as Error).message).toContain('--width');
  });

  it('refuses a model whose metadata lies about its scale', async () => {
    const liar = { ...(await model('y-lr', 2)) };
    liar.meta = { ...liar.meta, scale: 3 };
    const error = await upscalePhoto(photo, { model: liar, device: 'cpu' }).catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('BAD_MODEL');
    expect(path.basename((error as { path?: string }).path ?? '')).toBe('tiny-y-lr-x2.onnx');
  });
});
