import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePhoto } from '../helpers/imaging-photo.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { startWorkerProcess, stopAllWorkers, type WorkerProcess } from '../helpers/queue-workers.ts';
import { REFUSED_PORT, type RedisServer, startRedisServer } from '../helpers/redis-server.ts';
import { useUiApp } from './harness.ts';

/**
 * "Run on queue" on the Upscale screen: the served app's engine sends the batch to a real redis-server, and a real
 * `srstudio worker` process (not the engine) upscales the files; the screen shows the worker and its throughput.
 */
const ui = useUiApp({
  name: 'queue',
  prepare: async (root, state) => {
    const photos = path.join(root, 'photos');
    fs.mkdirSync(photos, { recursive: true });
    for (const [i, name] of ['alpha', 'bravo', 'charlie'].entries()) {
      await writePhoto(path.join(photos, `${name}.png`), { width: 160, height: 120, seed: 60 + i });
    }
    await writeTinyModel(path.join(state, 'models'), 'rgb-lr', { id: 'tiny-queue-x2', scale: 2 });
  },
});

let redis: RedisServer;
let worker: WorkerProcess;
let workerState: string;
beforeAll(async () => {
  redis = await startRedisServer();
  workerState = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-ui-queue-worker-'));
  worker = startWorkerProcess(redis.url, { stateDir: workerState });
  await worker.waitFor(/serving redis:/);
}, 60_000);
afterAll(async () => {
  await stopAllWorkers();
  await redis?.dispose();
  fs.rmSync(workerState, { recursive: true, force: true });
});

describe('Upscale screen: Run on queue', () => {
  it('says what is wrong with a queue URL nothing answers at', async () => {
    const page = ui.page;
    await ui.open('upscale');
    await page.getByRole('checkbox', { name: 'Run on queue' }).check();
    const nowhere = `redis://127.0.0.1:${REFUSED_PORT}`;
    await page.getByRole('textbox', { name: 'Queue URL' }).fill(nowhere);
    await page.getByRole('button', { name: 'Check' }).click();
    const alert = page.getByRole('form', { name: 'Batch settings' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(`Nothing answers at ${nowhere} (connection refused)`);
  });

  it('checks the queue, runs the batch on the worker, and shows its live throughput', async () => {
    const page = ui.page;
    const workerName = /worker (\S+) serving/.exec(worker.log())?.[1] as string;
    await page.getByRole('textbox', { name: 'Queue URL' }).fill(redis.url);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Queue status' }).textContent())
      .toContain(`1 worker online at ${redis.url}: ${workerName}`);

    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('tiny-queue-x2');
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await ui.chooseFolder(/photos/);
    const out = path.join(ui.rootDir, 'out');
    await page.getByRole('textbox', { name: 'Output folder' }).fill(out);
    await page.getByRole('button', { name: 'Start' }).click();

    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('3 of 3 files');
    const workers = page.getByRole('region', { name: 'Queue workers' });
    await expect.poll(() => workers.getByRole('status').textContent()).toMatch(/Queue batch \d+: 1 worker on this batch/);
    const row = workers.getByRole('row', { name: new RegExp(workerName) });
    await expect.poll(() => row.getByRole('cell').nth(0).textContent()).toBe('3');
    expect(await row.getByRole('cell').nth(1).textContent()).toMatch(/^\d+\.\d\d$/);
    await expect.poll(() => page.getByText(/on queue batch \d+/).count()).toBeGreaterThan(0);
    await workers.scrollIntoViewIfNeeded();
    await ui.screenshot('upscale-queue');

    // Written by the worker process, not by the served engine.
    expect(fs.readdirSync(out).sort()).toEqual(['alpha_x2.png', 'bravo_x2.png', 'charlie_x2.png']);
    for (const name of ['alpha', 'bravo', 'charlie']) expect(worker.log()).toContain(`wrote ${path.join(out, `${name}_x2.png`)}`);
  });
});
