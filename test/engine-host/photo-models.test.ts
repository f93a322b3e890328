import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { photoLikeImage } from '../helpers/models-photo.ts';
import { writePhotoModelResources } from '../helpers/photo-model-resources.ts';

/**
 * Model choice in plain words, restoration strength and real-photo evaluations through the forked engine host, with
 * bundled-model fixtures (photo-model-resources.ts) instead of the real photo models.
 */
let engine: Harness;
let resources: string;
let work: string;
let photo: string;
const states: EventPayload<'job.state'>[] = [];

async function writePng(file: string, width: number, height: number, seed: number): Promise<void> {
  const image = photoLikeImage(width, height, 3, seed);
  await sharp(image.data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}

function finalState(jobId: string): string | undefined {
  return states.find((e) => e.jobId === jobId && !['running', 'queued'].includes(e.state))?.state;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('the request was accepted');
}

/** Decoded pixels of a tile, to compare what two renders really produced. */
async function pixels(file: string): Promise<Uint8Array> {
  return (await decodePhoto(file)).image.data as Uint8Array;
}

beforeAll(async () => {
  resources = writePhotoModelResources(fs.mkdtempSync(path.join(os.tmpdir(), 'srs-photo-models-')));
  engine = await startEngine({ env: { SRSTUDIO_RESOURCES: resources } });
  engine.supervisor.on('job.state', (e) => states.push(e));
  work = path.join(engine.stateDir, 'work');
  fs.mkdirSync(path.join(work, 'photos'), { recursive: true });
  photo = path.join(work, 'photos', 'b-photo.png');
  await writePng(photo, 64, 48, 5);
  // Sorted before the photo, and not an image inside: the preview passes over it.
  fs.writeFileSync(path.join(work, 'photos', 'a-broken.png'), 'not a png');
  fs.mkdirSync(path.join(work, 'evalset'), { recursive: true });
  for (let i = 0; i < 2; i++) await writePng(path.join(work, 'evalset', `gt-${i}.png`), 48, 40, 20 + i);
});
afterAll(async () => {
  await engine.dispose();
  fs.rmSync(resources, { recursive: true, force: true });
});

describe('models.list names models by purpose', () => {
  it('carries title, purpose, the batch default and whether strength applies', async () => {
    const { models } = await engine.supervisor.request('models.list', {});
    const byId = new Map(models.map((m) => [m.meta.id, m]));
    expect(byId.get('photo-x2')).toMatchObject({
      title: 'Photos (JPEG, phone, camera) ×2',
      purpose: 'photos',
      isDefault: true,
      strength: true,
    });
    expect(byId.get('fsrcnn-x2')).toMatchObject({
      title: 'Clean sources (PNG, renders, scans) ×2',
      purpose: 'clean',
      isDefault: false,
      strength: false,
    });
    expect(byId.get('srcnn-x2')).toMatchObject({
      title: 'SRCNN ×2 (the classic, for reference)',
      purpose: 'reference',
      isDefault: false,
      strength: false,
    });
  });

  it('moves the default flag where models.setDefault puts it, as the batch rule does', async () => {
    await engine.supervisor.request('models.setDefault', { id: 'fsrcnn-x2' });
    const { models } = await engine.supervisor.request('models.list', {});
    const flags = Object.fromEntries(models.map((m) => [m.meta.id, m.isDefault]));
    expect(flags).toMatchObject({ 'fsrcnn-x2': true, 'photo-x2': false, 'srcnn-x2': false });
    await engine.supervisor.request('models.setDefault', { id: 'photo-x2' });
    const again = await engine.supervisor.request('models.list', {});
    expect(again.models.find((m) => m.isDefault && m.meta.scale === 2)?.meta.id).toBe('photo-x2');
  });
});

describe('restoration strength in the preview and the batch', () => {
  const region = { x: 16, y: 12, width: 32, height: 24 };

  it('renders a photo model at strength 0 exactly as its clean partner, at 1 as itself, and in between as neither', async () => {
    const { tiles } = await engine.supervisor.request('preview.tiles', {
      image: photo,
      region,
      scale: 2,
      methods: [
        { model: 'fsrcnn-x2' },
        { model: 'photo-x2' },
        { model: 'photo-x2', strength: 0 },
        { model: 'photo-x2', strength: 1 },
        { model: 'photo-x2', strength: 0.5 },
      ],
    });
    expect(tiles[4].method).toEqual({ model: 'photo-x2', strength: 0.5 });
    const [clean, full, zero, one, half] = await Promise.all(tiles.map((t) => pixels(t.image.path)));
    expect(clean).not.toEqual(full);
    expect(zero).toEqual(clean);
    expect(one).toEqual(full);
    expect(half).not.toEqual(clean);
    expect(half).not.toEqual(full);
  });

  it('refuses strength for a model without a clean partner, and an out-of-range strength at the boundary', async () => {
    const methods = [{ model: 'srcnn-x2', strength: 0.5 }];
    const refused = await failure(engine.supervisor.request('preview.tiles', { image: photo, region, scale: 2, methods }));
    expect(refused.code).toBe('BAD_ARGUMENT');
    expect(refused.message).toContain('srcnn-x2 has no clean model to blend with');
    const outOfRange = [{ model: 'photo-x2', strength: 1.5 }];
    expect(
      (await failure(engine.supervisor.requestUnchecked('preview.tiles', { image: photo, region, scale: 2, methods: outOfRange }))).code,
    ).toBe('BAD_REQUEST');
  });

  it('runs a batch at the requested strength and keeps it with the job', async () => {
    const run = async (model: string, out: string, strength?: number) => {
      const { job } = await engine.supervisor.request('jobs.start', {
        inputs: [photo],
        outputFolder: path.join(work, out),
        model,
        format: 'png',
        precision: 'fp32',
        ...(strength === undefined ? {} : { strength }),
      });
      await expect.poll(() => finalState(job.id), { timeout: 60_000 }).toBe('done');
      return job.id;
    };
    const zero = await run('photo-x2', 'at-zero', 0);
    await run('fsrcnn-x2', 'clean');
    const details = await engine.supervisor.request('jobs.details', { jobId: zero });
    expect(details.params).toMatchObject({ model: 'photo-x2', strength: 0 });
    const [atZero, clean] = await Promise.all([
      pixels(path.join(work, 'at-zero', 'b-photo_x2.png')),
      pixels(path.join(work, 'clean', 'b-photo_x2.png')),
    ]);
    expect(atZero).toEqual(clean);

    const refused = await failure(
      engine.supervisor.request('jobs.start', { inputs: [photo], outputFolder: path.join(work, 'nope'), model: 'srcnn-x2', strength: 0.3 }),
    );
    expect(refused.code).toBe('BAD_ARGUMENT');
    expect(fs.existsSync(path.join(work, 'nope'))).toBe(false);
    const badStrength = { inputs: [photo], outputFolder: path.join(work, 'nope'), strength: -0.1 };
    expect((await failure(engine.supervisor.requestUnchecked('jobs.start', badStrength))).code).toBe('BAD_REQUEST');
  });
});

describe('preview.samplePhoto', () => {
  it('finds the first readable photo of a folder, with its size, and says null when there is none', async () => {
    const { photo: found } = await engine.supervisor.request('preview.samplePhoto', { inputs: [path.join(work, 'photos')] });
    expect(found).toEqual({ path: photo, width: 64, height: 48 });
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    expect((await engine.supervisor.request('preview.samplePhoto', { inputs: [empty] })).photo).toBeNull();
    expect((await failure(engine.supervisor.requestUnchecked('preview.samplePhoto', { inputs: [] }))).code).toBe('BAD_REQUEST');
  });
});

describe('evaluations on clean and photo-like inputs', () => {
  let photoJobId = '';
  const evaluate = async (degradation?: { preset: 'clean' | 'photo' | 'heavy'; seed: number }) => {
    const { job } = await engine.supervisor.request('evaluation.start', {
      folders: [path.join(work, 'evalset')],
      scales: [2],
      methods: [{ interpolation: 'bicubic' }, { model: 'photo-x2' }],
      ...(degradation ? { degradation } : {}),
    });
    await expect.poll(() => finalState(job.id), { timeout: 60_000 }).toBe('done');
    return job;
  };

  it('records the degradation with the scores, so both kinds stand side by side in the newest results', async () => {
    const clean = await evaluate();
    const photoJob = await evaluate({ preset: 'photo', seed: 3 });
    photoJobId = photoJob.id;
    expect(photoJob.title).toContain('on photo inputs (seed 3)');
    const cleanRows = (await engine.supervisor.request('evaluation.results', { jobId: clean.id })).rows;
    const photoRows = (await engine.supervisor.request('evaluation.results', { jobId: photoJob.id })).rows;
    expect(cleanRows.map((r) => r.degradation)).toEqual([null, null]);
    expect(photoRows.map((r) => r.degradation)).toEqual([
      { name: 'photo', seed: 3 },
      { name: 'photo', seed: 3 },
    ]);
    const bicubic = (rows: typeof cleanRows) => rows.find((r) => r.method === 'bicubic')?.mean.psnr ?? Number.NaN;
    // Blur, noise and JPEG lose detail that bicubic cannot bring back: the photo-like inputs score lower.
    expect(bicubic(photoRows)).toBeLessThan(bicubic(cleanRows));

    const latest = (await engine.supervisor.request('evaluation.results', {})).rows.filter((r) => r.method === 'photo-x2');
    expect(latest.map((r) => r.degradation)).toEqual([null, { name: 'photo', seed: 3 }]);
  });

  it('degrades deterministically: the same seed gives the same scores, another seed others; clean is the protocol', async () => {
    const bicubicOf = async (jobId: string) =>
      (await engine.supervisor.request('evaluation.results', { jobId })).rows.find((r) => r.method === 'bicubic');
    const first = await bicubicOf(photoJobId);
    const again = await bicubicOf((await evaluate({ preset: 'photo', seed: 3 })).id);
    const other = await bicubicOf((await evaluate({ preset: 'photo', seed: 4 })).id);
    expect(again?.perImage).toEqual(first?.perImage);
    expect(other?.perImage).not.toEqual(first?.perImage);
    const cleanPreset = await evaluate({ preset: 'clean', seed: 9 });
    const cleanRows = (await engine.supervisor.request('evaluation.results', { jobId: cleanPreset.id })).rows;
    expect(cleanRows.map((r) => r.degradation)).toEqual([null, null]);
  });

  it('rejects an unknown preset, a negative or fractional seed and extra keys at the boundary', async () => {
    const base = { folders: [path.join(work, 'evalset')], scales: [2], methods: [{ interpolation: 'bicubic' }] };
    for (const degradation of [
      { preset: 'blurry', seed: 1 },
      { preset: 'photo', seed: -1 },
      { preset: 'photo', seed: 1.5 },
      { preset: 'photo' },
      { preset: 'photo', seed: 1, recipe: {} },
    ]) {
      const refused = await failure(engine.supervisor.requestUnchecked('evaluation.start', { ...base, degradation }));
      expect(refused.code, JSON.stringify(degradation)).toBe('BAD_REQUEST');
    }
  });
});
