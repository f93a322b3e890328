import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { writeBatchModel } from './jobs-batch.ts';
import { makeJobsTempDir } from './jobs-fs.ts';
import { stopAllWorkers } from './queue-workers.ts';
import { type RedisServer, startRedisServer } from './redis-server.ts';

export interface QueueFixture {
  /** The file's private redis-server (unless `redis: false`). */
  readonly redis: RedisServer;
  /** The tiny ×2 model, in the temp folder. */
  readonly model: string;
  /** A path inside the file's temp folder. */
  at(...parts: string[]): string;
  /** `srstudio upscale INPUT -o OUT --model <tiny> --state STATE --queue URL` (URL: this file's redis-server by default). */
  queuedUpscaleArgs(input: string, out: string, state: string, url?: string): string[];
}

/**
 * The hooks of a queue test file: a temp folder with a tiny real model, a private redis-server (stopped and removed
 * after the file), and no worker process left running after each test.
 */
export function useQueueFixture(prefix: string, options: { redis?: boolean } = {}): QueueFixture {
  let redis: RedisServer | undefined;
  let tmp: { dir: string; cleanup(): void } | undefined;
  let model = '';
  beforeAll(async () => {
    if (options.redis !== false) redis = await startRedisServer();
    tmp = makeJobsTempDir(`srstudio-${prefix}-`);
    model = await writeBatchModel(tmp.dir);
  }, 60_000);
  afterEach(() => stopAllWorkers());
  afterAll(async () => {
    await redis?.dispose();
    tmp?.cleanup();
  });
  return {
    get redis() {
      if (!redis) throw new Error('This queue fixture has no redis-server (redis: false)');
      return redis;
    },
    get model() {
      return model;
    },
    at: (...parts) => path.join(tmp?.dir ?? '', ...parts),
    queuedUpscaleArgs(input, out, state, url) {
      return ['upscale', input, '-o', out, '--model', model, '--state', state, '--queue', url ?? this.redis.url];
    },
  };
}
