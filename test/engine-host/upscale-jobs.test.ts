import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

let engine: Harness;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.dispose();
});

describe('batch upscale jobs through the forked engine host', () => {
  it('starts a job, reports running → progress → done as events, writes the outputs and lists the job', async () => {
    const work = path.join(engine.stateDir, 'work');
    const inputs = path.join(work, 'in');
    const outputFolder = path.join(work, 'out');
    fs.mkdirSync(inputs, { recursive: true });
    for (const [name, colour] of [
      ['a.png', { r: 200, g: 80, b: 40 }],
      ['b.png', { r: 20, g: 160, b: 90 }],
    ] as const) {
      await sharp({ create: { width: 24, height: 16, channels: 3, background: colour } })
        .png()
        .toFile(path.join(inputs, name));
    }
    const model = await writeTinyModel(work, 'rgb-lr', { id: 'tiny-job', scale: 2 });

    const states: EventPayload<'job.state'>[] = [];
    const progress: EventPayload<'job.progress'>[] = [];
    engine.supervisor.on('job.state', (e) => states.push(e));
    engine.supervisor.on('job.progress', (e) => progress.push(e));

    const { job } = await engine.supervisor.request('jobs.start', { inputs: [inputs], outputFolder, model, scale: 2, format: 'png' });
    expect(job).toMatchObject({ kind: 'upscale', total: 2 });
    await expect.poll(() => states.find((e) => e.jobId === job.id && e.state !== 'running')?.state, { timeout: 30_000 }).toBe('done');
    expect(states.filter((e) => e.jobId === job.id).map((e) => e.state)).toEqual(['running', 'done']);
    const mine = progress.filter((e) => e.jobId === job.id);
    expect(mine.at(-1)).toMatchObject({ done: 2, total: 2 });
    // The engine's own throughput reaches the UI, and a per-file fraction comes with the current file's name.
    expect(mine.at(-1)?.megapixelsPerSecond).toBeGreaterThan(0);
    for (const event of mine.filter((e) => e.message)) expect(event.itemFraction).toBeGreaterThanOrEqual(0);

    const written = fs.readdirSync(outputFolder).sort();
    expect(written).toHaveLength(2);
    for (const file of written) {
      const meta = await sharp(path.join(outputFolder, file)).metadata();
      expect([meta.width, meta.height]).toEqual([48, 32]);
    }
    const listed = await engine.supervisor.request('jobs.list', { states: ['done'] });
    expect(listed.jobs.find((j) => j.id === job.id)).toMatchObject({ state: 'done', done: 2, total: 2 });
  });

  it('a cancel while the batch runs stops it as cancelled (the engine shutting down would interrupt it)', {
    timeout: 120_000,
  }, async () => {
    const inputs = path.join(engine.stateDir, 'busy');
    fs.mkdirSync(inputs, { recursive: true });
    const width = 1400;
    const height = 1000;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
    for (const name of ['a', 'b'])
      await sharp(pixels, { raw: { width, height, channels: 3 } })
        .png({ compressionLevel: 1 })
        .toFile(path.join(inputs, `${name}.png`));
    const states: EventPayload<'job.state'>[] = [];
    const progress: EventPayload<'job.progress'>[] = [];
    engine.supervisor.on('job.state', (e) => states.push(e));
    engine.supervisor.on('job.progress', (e) => progress.push(e));
    const outputFolder = path.join(engine.stateDir, 'busy-out');
    const { job } = await engine.supervisor.request('jobs.start', { inputs: [inputs], outputFolder, scale: 2, format: 'png' });
    await expect.poll(() => progress.some((e) => e.jobId === job.id), { timeout: 60_000, interval: 20 }).toBe(true);
    await engine.supervisor.request('jobs.cancel', { jobId: job.id });
    await expect.poll(() => states.find((e) => e.jobId === job.id && e.state !== 'running')?.state, { timeout: 30_000 }).toBe('cancelled');
    const listed = await engine.supervisor.request('jobs.list', { states: ['cancelled'] });
    expect(listed.jobs.find((j) => j.id === job.id)?.done).toBeLessThan(2);
  });

  it('refuses a batch that cannot start with the engine error (no such model), and stays usable', async () => {
    await expect(
      engine.supervisor.request('jobs.start', {
        inputs: [engine.stateDir],
        outputFolder: path.join(engine.stateDir, 'o'),
        model: 'no-such-model',
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
    await expect(engine.supervisor.request('jobs.cancel', { jobId: '999999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await engine.supervisor.request('system.ping', {})).pid).toBe(engine.supervisor.pid);
  });
});
