import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-deep-', (f) => ({ store, model, at } = f));

/** A photo-like image in 16 bits: each 8-bit sample ×257, moved within its level so that 8 bits cannot hold it. */
function deepSamples(width: number, height: number, channels: 1 | 3 | 4): Uint16Array {
  const photo = makePhoto({ width, height, seed: 5 });
  const out = new Uint16Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < channels; c++) {
      const colour = channels === 1 ? photo.data[i * 3 + 1] : c < 3 ? photo.data[i * 3 + c] : 0;
      // Alpha: opaque on the right half, a 16-bit ramp on the left.
      const x = i % width;
      const value =
        c === 3 ? (x >= width / 2 ? 65535 : Math.round((x / (width / 2)) * 60000)) : colour * 257 + ((i * 7 + c * 31) % 200) - 100;
      out[i * channels + c] = Math.min(65535, Math.max(0, value));
    }
  }
  return out;
}

/** A 16-bit file's samples, as stored. */
async function storedSamples(file: string): Promise<{ data: Uint16Array; channels: number }> {
  const meta = await sharp(file).metadata();
  const { data, info } = await sharp(file)
    .toColourspace(meta.channels <= 2 ? 'grey16' : 'rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint16Array(new Uint8Array(data).buffer), channels: info.channels };
}

/** The share of samples between two 8-bit levels: none in an 8-bit image shifted up. */
function betweenLevels(data: Uint16Array): number {
  let count = 0;
  for (const v of data) if (v % 257 !== 0) count++;
  return count / data.length;
}

describe('a batch of 16-bit PNG and TIFF photos', () => {
  it('writes them 16-bit, grey as grey and RGBA with its alpha, their colour profile kept', async () => {
    fs.mkdirSync(at('in'));
    const [w, h] = [40, 30];
    const raw = (channels: 1 | 3 | 4) => sharp(deepSamples(w, h, channels), { raw: { width: w, height: h, channels } });
    await raw(3).toColourspace('rgb16').withIccProfile('p3').png().toFile(at('in', 'p3.png'));
    await raw(1).toColourspace('grey16').png().toFile(at('in', 'scan.png'));
    await raw(4).toColourspace('rgb16').withIccProfile('p3').tiff({ compression: 'lzw' }).toFile(at('in', 'cutout.tif'));
    const p3 = (await sharp(at('in', 'p3.png')).metadata()).icc;
    expect(p3).toBeDefined();
    for (const file of ['p3.png', 'scan.png', 'cutout.tif']) expect((await sharp(at('in', file)).metadata()).depth).toBe('ushort');

    const summary = await runUpscaleJob({ store, request: { inputs: [at('in')], outDir: at('out'), model } });

    expect(summary).toMatchObject({ ok: 3, failed: [] });
    expect((summary.notices ?? []).filter((n) => n.includes('bits per channel'))).toEqual([]);
    const expected = [
      { file: 'p3_x2.png', space: 'rgb16', channels: 3, icc: true },
      { file: 'scan_x2.png', space: 'grey16', channels: 1, icc: false },
      { file: 'cutout_x2.tif', space: 'rgb16', channels: 4, icc: true },
    ];
    for (const { file, space, channels, icc } of expected) {
      const meta = await sharp(at('out', file)).metadata();
      expect([meta.width, meta.height, meta.depth, meta.space, meta.channels], file).toEqual([2 * w, 2 * h, 'ushort', space, channels]);
      if (icc) expect(Buffer.compare(meta.icc ?? Buffer.alloc(0), p3 ?? Buffer.alloc(0)), file).toBe(0);
      const stored = await storedSamples(at('out', file));
      const colour = stored.data.filter((_, i) => i % stored.channels < 3);
      expect(betweenLevels(colour), file).toBeGreaterThan(0.9);
    }
    // The cutout's opaque half stays exactly opaque, and its ramp keeps 16-bit steps.
    const cutout = await storedSamples(at('out', 'cutout_x2.tif'));
    const alpha = (x: number, y: number) => cutout.data[(y * 2 * w + x) * 4 + 3];
    expect(alpha(70, 30)).toBe(65535);
    expect(new Set(Array.from({ length: 30 }, (_, x) => alpha(x + 5, 30))).size).toBeGreaterThan(25);
    expect(Array.from({ length: 30 }, (_, x) => alpha(x + 5, 30)).every((a) => a % 257 === 0)).toBe(false);
  });
});
