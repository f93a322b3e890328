import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { ensureBuilt, REPO_ROOT } from '../helpers/electron-build.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { recordJobStates, statesOf, tinyTrainingParams, writeTrainingFolders } from '../helpers/queue-fixtures.ts';
import { startRedisServer } from '../helpers/redis-server.ts';

/**
 * The desktop app runs the *built* engine host (out/main/engine-host.js) in a utility process, where no TypeScript
 * loader exists. Its worker threads (ORT inference, training data) must then load built files too. Electron cannot
 * run here, so the built host runs in plain Node: the same bundle, the same worker URLs.
 */
const BUILT_HOST = path.join(REPO_ROOT, 'out/main/engine-host.js');

let engine: Harness;
let logs: EventPayload<'log'>[];
beforeAll(async () => {
  await ensureBuilt(BUILT_HOST, ['src/engine', 'src/engine-host', 'src/shared', 'electron.vite.config.ts']);
  engine = await startEngine({ entry: BUILT_HOST });
  logs = [];
  engine.supervisor.on('log', (event) => logs.push(event));
}, 240_000);
afterAll(async () => {
  await engine?.dispose();
});

describe('the built engine host (plain Node, no TypeScript loader)', () => {
  it('has its worker threads built beside it', () => {
    for (const worker of ['session-worker-boot.mjs', 'prefetch-worker-boot.mjs', 'heic-worker-boot.mjs']) {
      expect(fs.existsSync(path.join(REPO_ROOT, 'out/main', worker)), worker).toBe(true);
    }
  });

  it('upscales with ORT in its inference worker, not on the main thread', async () => {
    const work = path.join(engine.stateDir, 'work');
    const inputs = path.join(work, 'in');
    fs.mkdirSync(inputs, { recursive: true });
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 120, g: 60, b: 200 } } })
      .png()
      .toFile(path.join(inputs, 'a.png'));
    // An iPhone photo too: libheif decodes it in the HEIC worker built beside the host.
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/heic/photo.heic'), path.join(inputs, 'b.heic'));
    const model = await writeTinyModel(work, 'y-upsampled-same', { id: 'tiny-bundle', scale: 2 });
    const states = recordJobStates(engine.supervisor);
    const { job } = await engine.supervisor.request('jobs.start', {
      inputs: [inputs],
      outputFolder: path.join(work, 'out'),
      model,
      scale: 2,
      format: 'png',
    });
    await expect.poll(() => statesOf(states, job.id).at(-1), { timeout: 60_000 }).toBe('done');
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(['a_x2.png', 'b_x2.png']);
    expect(await sharp(path.join(work, 'out', 'a_x2.png')).metadata()).toMatchObject({ width: 80, height: 60 });
    expect(await sharp(path.join(work, 'out', 'b_x2.png')).metadata()).toMatchObject({ width: 128, height: 96 });
    // runTiled's fallback says "Running inference on the main thread (slower): <why the worker failed>".
    expect(logs.filter((l) => /main thread/i.test(l.message)).map((l) => l.message)).toEqual([]);
  });

  it('loads the queue code (BullMQ, ioredis) from the bundle and reaches a real Redis', async () => {
    const redis = await startRedisServer();
    try {
      const info = await engine.supervisor.request('queue.check', { url: redis.url });
      expect(info).toMatchObject({ url: redis.url, workers: [] });
      expect(info.redisVersion).toMatch(/^\d+\.\d+/);
    } finally {
      await redis.dispose();
    }
  });

  it('trains with its data worker', async () => {
    const folders = await writeTrainingFolders(path.join(engine.stateDir, 'images'));
    const states = recordJobStates(engine.supervisor);
    const { run } = await engine.supervisor.request('training.start', tinyTrainingParams(folders, { steps: 10 }));
    await expect.poll(() => statesOf(states, run.jobId).at(-1), { timeout: 60_000 }).toBe('done');
    const { runs } = await engine.supervisor.request('training.runs', {});
    expect(runs.find((r) => r.id === run.id)).toMatchObject({ state: 'done', step: 10 });
  });
});
