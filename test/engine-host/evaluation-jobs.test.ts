import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { photoLikeImage } from '../helpers/models-photo.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

let engine: Harness;
let work: string;
const states: EventPayload<'job.state'>[] = [];
const progress: EventPayload<'job.progress'>[] = [];

async function writeFolder(folder: string, count: number, size: number): Promise<void> {
  fs.mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const image = photoLikeImage(size, size - 6, 3, 11 + i);
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toFile(path.join(folder, `img${i}.png`));
  }
}

function finalState(jobId: string): string | undefined {
  return states.find((e) => e.jobId === jobId && !['running', 'queued'].includes(e.state))?.state;
}

beforeAll(async () => {
  engine = await startEngine();
  work = path.join(engine.stateDir, 'work');
  await writeFolder(path.join(work, 'setA'), 2, 48);
  const model = await writeTinyModel(work, 'y-identity', { id: 'tiny-eval-x2', scale: 2 });
  await engine.supervisor.request('models.import', { path: model });
  engine.supervisor.on('job.state', (e) => states.push(e));
  engine.supervisor.on('job.progress', (e) => progress.push(e));
});
afterAll(async () => {
  await engine.dispose();
});

describe('evaluation jobs through the forked engine host', () => {
  it('runs methods × folders × scales as one job with progress, persists the scores and lists them', async () => {
    const { job } = await engine.supervisor.request('evaluation.start', {
      folders: [path.join(work, 'setA')],
      scales: [2, 3],
      methods: [{ interpolation: 'matlab-bicubic' }, { interpolation: 'nearest' }, { model: 'tiny-eval-x2' }],
    });
    expect(job).toMatchObject({ kind: 'evaluation', total: 6 });
    await expect.poll(() => finalState(job.id), { timeout: 60_000 }).toBe('done');
    const last = progress.filter((e) => e.jobId === job.id).at(-1);
    expect(last).toMatchObject({ kind: 'evaluation', done: 12, total: 12 });

    const { rows } = await engine.supervisor.request('evaluation.results', { jobId: job.id });
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row).toMatchObject({ dataset: 'setA', folder: path.join(work, 'setA') });
      expect(row.perImage.map((p) => p.image)).toEqual(['img0.png', 'img1.png']);
      expect(row.mean.psnr).toBeGreaterThan(15);
    }
    const score = (method: string, scale: number) => rows.find((r) => r.method === method && r.scale === scale)!.mean;
    // The identity model reproduces MATLAB bicubic on Y, so it scores like the bicubic row at its native scale.
    expect(Math.abs(score('tiny-eval-x2', 2).psnr! - score('bicubic', 2).psnr!)).toBeLessThan(0.5);
    expect(score('bicubic', 2).psnr!).toBeGreaterThan(score('bicubic', 3).psnr!);

    const latest = await engine.supervisor.request('evaluation.results', {});
    expect(latest.rows.filter((r) => r.jobId === job.id)).toHaveLength(6);

    const listed = await engine.supervisor.request('jobs.list', { states: ['done'] });
    expect(listed.jobs.find((j) => j.id === job.id)).toMatchObject({ kind: 'evaluation', done: 6, total: 6 });
  });

  it('evaluates the folders of a registered data set, labelled with its name', async () => {
    const { dataset } = await engine.supervisor.request('datasets.create', { name: 'bench-set', paths: [path.join(work, 'setA')] });
    const { job } = await engine.supervisor.request('evaluation.start', {
      datasetId: dataset.id,
      scales: [4],
      methods: [{ interpolation: 'bicubic' }],
    });
    await expect.poll(() => finalState(job.id), { timeout: 30_000 }).toBe('done');
    const { rows } = await engine.supervisor.request('evaluation.results', { jobId: job.id });
    expect(rows).toEqual([expect.objectContaining({ method: 'bicubic', dataset: 'bench-set', scale: 4 })]);
  });

  it('cancels a running evaluation, keeping the combinations it finished', async () => {
    await writeFolder(path.join(work, 'setB'), 8, 160);
    const { job } = await engine.supervisor.request('evaluation.start', {
      folders: [path.join(work, 'setB')],
      scales: [2, 3, 4],
      methods: [{ interpolation: 'matlab-bicubic' }, { interpolation: 'bilinear' }],
    });
    await expect.poll(() => progress.some((e) => e.jobId === job.id && e.done >= 1), { timeout: 30_000 }).toBe(true);
    const { job: cancelled } = await engine.supervisor.request('jobs.cancel', { jobId: job.id });
    expect(cancelled.state).toBe('cancelled');
    expect(finalState(job.id)).toBe('cancelled');
    // Finished combinations keep their scores; the rest wait for a resume.
    expect(cancelled.done).toBeLessThan(cancelled.total);
    const { rows } = await engine.supervisor.request('evaluation.results', { jobId: job.id });
    expect(rows).toHaveLength(cancelled.done);
  });

  it('refuses an unsupported scale, a missing folder and an unknown model before queueing anything', async () => {
    const folders = [path.join(work, 'setA')];
    await expect(
      engine.supervisor.request('evaluation.start', { folders, scales: [5], methods: [{ interpolation: 'bicubic' }] }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(
      engine.supervisor.request('evaluation.start', {
        folders: [path.join(work, 'nope')],
        scales: [2],
        methods: [{ interpolation: 'bicubic' }],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      engine.supervisor.request('evaluation.start', { folders, scales: [2], methods: [{ model: 'no-such-model' }] }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });
});

describe('jobs.details', () => {
  it('shows an upscale batch with its request and every item: outputs, and the reason a bad file failed', async () => {
    const inputs = path.join(work, 'batch');
    fs.mkdirSync(inputs, { recursive: true });
    for (const name of ['a.png', 'b.png']) {
      await sharp({ create: { width: 20, height: 16, channels: 3, background: '#336699' } })
        .png()
        .toFile(path.join(inputs, name));
    }
    fs.writeFileSync(path.join(inputs, 'c.png'), 'not a png at all');
    const model = await writeTinyModel(work, 'rgb-lr', { id: 'tiny-batch', scale: 2 });
    const { job } = await engine.supervisor.request('jobs.start', {
      inputs: [inputs],
      outputFolder: path.join(work, 'batch-out'),
      model,
      scale: 2,
      format: 'png',
    });
    await expect.poll(() => finalState(job.id), { timeout: 30_000 }).toBeDefined();
    const details = await engine.supervisor.request('jobs.details', { jobId: job.id });
    expect(details.job).toMatchObject({ id: job.id, kind: 'upscale', total: 3 });
    expect(details.params).toMatchObject({ inputs: [inputs], outputFolder: path.join(work, 'batch-out'), scale: 2, format: 'png' });
    const byName = new Map(details.items.map((item) => [path.basename(item.input), item]));
    for (const name of ['a.png', 'b.png']) {
      const item = byName.get(name)!;
      expect(item.state).toBe('done');
      expect(fs.existsSync(item.output!)).toBe(true);
    }
    expect(byName.get('c.png')).toMatchObject({ state: 'failed', error: expect.stringContaining('c.png') });
    await expect(engine.supervisor.request('jobs.details', { jobId: '424242' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
