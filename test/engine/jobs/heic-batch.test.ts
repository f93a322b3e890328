import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { UpscaleJobEvent } from '../../../src/engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';

/** A real HEVC-coded HEIC of 64×48 (test/fixtures/heic/README.md). */
const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/heic/photo.heic');

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-heic-', (f) => ({ store, model, at } = f));

describe('a batch with iPhone photos (HEIC)', () => {
  it('upscales them, and keeps them a photo format it can write: JPEG', async () => {
    fs.mkdirSync(at('in'));
    fs.copyFileSync(FIXTURE, at('in', 'IMG_0001.HEIC'));
    fs.writeFileSync(at('in', 'IMG_0002.heic'), fs.readFileSync(FIXTURE).subarray(0, 2000));

    const summary = await runUpscaleJob({ store, request: { inputs: [at('in')], outDir: at('out'), model } });

    expect(summary.ok).toBe(1);
    expect(summary.failed.map((f) => [path.basename(f.input), f.code])).toEqual([['IMG_0002.heic', 'CORRUPT_IMAGE']]);
    expect(summary.failed[0].error).toMatch(/is a HEIC photo that cannot be decoded: it is damaged or incomplete/);
    const meta = await sharp(at('out', 'IMG_0001_x2.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 96]);
    expect(fs.readdirSync(at('out'))).toEqual(['IMG_0001_x2.jpg']);
  });

  it('of several images in one file upscale its primary one, the photo viewers show, and say the others are left', async () => {
    // Both store a red image first and make the blue one, stored second, primary (test/fixtures/heic/README.md).
    fs.mkdirSync(at('in'));
    for (const name of ['two-images.heic', 'two-images.avif']) {
      fs.copyFileSync(path.resolve(import.meta.dirname, '../../fixtures/heic', name), at('in', name));
    }
    const events: UpscaleJobEvent[] = [];

    const summary = await runUpscaleJob({
      store,
      request: { inputs: [at('in')], outDir: at('out'), model, format: 'png' },
      onEvent: (e) => events.push(e),
    });

    expect(summary).toMatchObject({ ok: 2, failed: [] });
    expect(summary.notices).toHaveLength(2);
    for (const { input, output } of summary.outputs) {
      expect(summary.notices).toContain(`${input} holds 2 images: only its main image, the one viewers show, is upscaled`);
      const { data, info } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([96, 64]);
      const centre = (32 * 96 + 48) * info.channels;
      // The blue image (30, 60, 200), not the red one (200, 40, 30), within what the codecs move a flat colour.
      const [r, g, b] = data.subarray(centre, centre + 3);
      expect([Math.abs(r - 30), Math.abs(g - 60), Math.abs(b - 200)].every((d) => d <= 10)).toBe(true);
    }
    expect(events.filter((e) => e.type === 'notice' && e.message.includes('holds 2 images'))).toHaveLength(2);
  });
});
