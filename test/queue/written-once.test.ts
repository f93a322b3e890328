import fs from 'node:fs';
import path from 'node:path';
import type { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../src/engine/hash-file.ts';
import { removeTempFilesOf } from '../../src/engine/jobs/leftover-temp-files.ts';
import type { ExistingPolicy } from '../../src/engine/jobs/upscale-request.ts';
import { loadModel } from '../../src/engine/models/registry.ts';
import { enqueueFiles } from '../../src/engine/queue/dispatch/enqueue.ts';
import { openQueueLink, type QueueLink } from '../../src/engine/queue/dispatch/queue-link.ts';
import { type UpscaleFileJob, UpscaleFileResult } from '../../src/engine/queue/file-jobs.ts';
import { describeModel, ModelCache, publishModel } from '../../src/engine/queue/model-transport.ts';
import { fileJobId, JOB_NAMES, redisKeys } from '../../src/engine/queue/queue-names.ts';
import { parseRedisUrl } from '../../src/engine/queue/redis-target.ts';
import { type RunningWorker, startWorker } from '../../src/engine/queue/worker/run-worker.ts';
import { writeBatchModel, writePhotos } from '../helpers/jobs-batch.ts';
import { makeJobsTempDir, touchFile } from '../helpers/jobs-fs.ts';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.ts';

/**
 * What "written once" means for a queued file, tested on a real worker (in this process) and a real Redis: the output
 * appears by one rename; a later attempt whose predecessor wrote the file but died before reporting it finds the
 * finished file (same size and sha256) and does not write it again; a file that does not match is written anew.
 */
let redis: RedisServer;
let tmp: { dir: string; cleanup(): void };
let link: QueueLink;
let events: QueueEvents;
let worker: RunningWorker;
let modelPath: string;
let input: string;
const log: string[] = [];
const at = (...parts: string[]) => path.join(tmp.dir, ...parts);

beforeAll(async () => {
  redis = await startRedisServer();
  tmp = makeJobsTempDir('srstudio-written-once-');
  modelPath = await writeBatchModel(tmp.dir);
  [input] = await writePhotos(at('in'), 1, { width: 96, height: 64 });
  const target = parseRedisUrl(redis.url, '--redis');
  link = await openQueueLink(target);
  events = await link.openEvents();
  worker = await startWorker({ target, stateDir: at('worker'), lockSeconds: 5, log: (line) => log.push(line) });
}, 60_000);
afterAll(async () => {
  await worker?.stop('finish');
  await link?.close();
  await redis?.dispose();
  tmp?.cleanup();
});

/** Queues one file as batch `batch` (under the default policy unless `existing` says otherwise) and waits for the worker's result. */
async function upscaleOnQueue(
  batch: number,
  output: string,
  { written, existing = 'refuse' }: { written?: UpscaleFileResult; existing?: ExistingPolicy } = {},
): Promise<UpscaleFileResult> {
  const model = await describeModel(await loadModel(modelPath, { stateDir: at('state') }));
  await publishModel(link.redis, model);
  const data: UpscaleFileJob = { batch, seq: 0, input, output, model, settings: {}, existing, ...(written ? { written } : {}) };
  await enqueueFiles(link.queue, batch, 1, [{ name: JOB_NAMES.upscale, seq: 0, data }]);
  const job = await link.queue.getJob(fileJobId(batch, 0));
  return UpscaleFileResult.parse(await job?.waitUntilFinished(events, 60_000));
}

describe('a queued file is written once', () => {
  it('a retry after the writer died before its ack reports the finished file instead of writing it again', async () => {
    const output = at('out', 'photo00_x2.png');
    const first = await upscaleOnQueue(101, output);
    expect(first).toMatchObject({ width: 192, height: 128, attempt: 1, worker: worker.name, bytes: fs.statSync(output).size });
    const before = fs.statSync(output);
    const bytes = fs.readFileSync(output);

    // The next attempt of the same file, as BullMQ hands it out after the first worker died between rename and ack.
    const again = await upscaleOnQueue(102, output, { written: first });
    expect(again).toEqual(first);
    const after = fs.statSync(output);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(fs.readFileSync(output).equals(bytes)).toBe(true);
    expect(log.some((line) => line.startsWith(`already written: ${output}`))).toBe(true);
  }, 120_000);

  it('with --overwrite, a file at the output path that is not the recorded one is written anew, with the same bytes as the first time', async () => {
    const output = at('out', 'photo00_x2.png');
    const reference = fs.readFileSync(output);
    const first = await upscaleOnQueue(103, at('out', 'other_x2.png'));
    fs.writeFileSync(output, 'not the upscaled photo');
    const redone = await upscaleOnQueue(104, output, {
      written: { ...first, ino: String(fs.statSync(output).ino) },
      existing: 'overwrite',
    });
    expect(redone.ino).not.toBe(first.ino);
    expect(fs.readFileSync(output).equals(reference)).toBe(true);
    expect(log.filter((line) => line.startsWith(`wrote ${output}`))).toHaveLength(2);
  }, 120_000);

  it('a retry after the writer died between its commit and recording it finds its own output by its bytes and keeps it', async () => {
    // What the killed try left: the complete output (committed), and no `written` record in the job.
    const output = at('out', 'photo00_x2.png');
    const before = fs.statSync(output);
    const again = await upscaleOnQueue(105, output);
    expect(again).toMatchObject({ width: 192, height: 128, bytes: before.size, ino: String(before.ino) });
    const after = fs.statSync(output);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  }, 120_000);

  it('a retry removes the temp file its killed predecessor left for that output, and only that one', () => {
    const output = at('temps', 'a_x2.png');
    const own = touchFile(at('temps', '.a_x2.png.0123456789ab.srs-tmp'));
    const other = touchFile(at('temps', '.b_x2.png.0123456789ab.srs-tmp'));
    const lookalike = touchFile(at('temps', '.a_x2.png.not-random.srs-tmp'));
    expect(removeTempFilesOf(output)).toEqual([own]);
    expect([fs.existsSync(own), fs.existsSync(other), fs.existsSync(lookalike)]).toEqual([false, true, true]);
  });
});

describe('models travel by content', () => {
  it('a worker without the model gets it from Redis, checks the hash, caches it, and then needs Redis no more', async () => {
    const ref = { ...(await describeModel(await loadModel(modelPath, { stateDir: at('state') }))), path: at('nowhere', 'model.onnx') };
    await publishModel(link.redis, ref);
    const cache = new ModelCache(at('cache-a'), link.redis, at('state'));
    const model = await cache.get(ref);
    expect(model.path).toBe(cache.pathOf(ref));
    expect(await hashFile(model.path)).toBe(ref.sha256);

    await link.redis.del(redisKeys.model(ref.sha256));
    const again = await new ModelCache(at('cache-a'), link.redis, at('state')).get(ref);
    expect(again.meta.id).toBe(ref.id);
  });

  it('takes the model from the path the batch names when that file has the right hash', async () => {
    const ref = await describeModel(await loadModel(modelPath, { stateDir: at('state') }));
    await link.redis.del(redisKeys.model(ref.sha256));
    const model = await new ModelCache(at('cache-b'), link.redis, at('state')).get(ref);
    expect(await hashFile(model.path)).toBe(ref.sha256);
  });

  it('refuses a copy in Redis that does not match its hash, and says where it looked when the model is nowhere', async () => {
    const ref = { ...(await describeModel(await loadModel(modelPath, { stateDir: at('state') }))), path: at('nowhere', 'model.onnx') };
    await link.redis.set(redisKeys.model(ref.sha256), Buffer.from('damaged bytes'));
    await expect(new ModelCache(at('cache-c'), link.redis, at('state')).get(ref)).rejects.toMatchObject({
      code: 'BAD_MODEL',
      message: expect.stringContaining('does not match its sha256'),
    });
    await link.redis.del(redisKeys.model(ref.sha256));
    await expect(new ModelCache(at('cache-d'), link.redis, at('state')).get(ref)).rejects.toMatchObject({
      code: 'UNKNOWN_MODEL',
      message: expect.stringContaining(`not at ${ref.path}, not in Redis`),
    });
    expect(fs.existsSync(path.join(at('cache-c'), ref.sha256, ref.fileName))).toBe(false);
  });
});
