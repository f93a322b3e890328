import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
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
});
