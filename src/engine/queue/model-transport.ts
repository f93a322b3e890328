import fs from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { fromFsError, SrError } from '../errors.ts';
import { hashBytes, hashFile } from '../hash-file.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { loadModel } from '../models/registry.ts';
import type { ModelRef } from './file-jobs.ts';
import { KEEP_FINISHED_SECONDS, redisKeys } from './queue-names.ts';

/**
 * Models travel by content. The enqueuing side describes the batch's model by its sha256 and uploads its bytes to
 * Redis once (models are small: the bundled ones are 40-300 KB); a worker looks in its cache first, then at the path
 * the batch names (a shared folder), then in Redis, and uses a file only after its hash matched.
 */

/** The batch's model as the queue refers to it: hashed now, so every worker can check what it got. */
export async function describeModel(model: LoadedModel): Promise<ModelRef> {
  const [sha256, stat] = await Promise.all([hashFile(model.path), fs.stat(model.path)]);
  return { id: model.meta.id, sha256, bytes: stat.size, fileName: path.basename(model.path), path: model.path };
}

/** Uploads the model's bytes unless Redis has them already; refreshed to live as long as the batches that use it. */
export async function publishModel(redis: Redis, ref: ModelRef): Promise<void> {
  const key = redisKeys.model(ref.sha256);
  if (await redis.expire(key, KEEP_FINISHED_SECONDS)) return;
  const bytes = await readModelFile(ref.path);
  if (hashBytes(bytes) !== ref.sha256) {
    throw new SrError(
      'BAD_MODEL',
      `The model file ${ref.path} changed while the batch was being queued`,
      'Queue the batch again.',
      ref.path,
    );
  }
  await redis.set(key, Buffer.from(bytes), 'EX', KEEP_FINISHED_SECONDS);
}

/**
 * A worker's models: `<dir>/<sha256>/<file name>`, each checked against its hash before first use in this process.
 * Concurrent jobs that need the same model share one fetch.
 */
export class ModelCache {
  private readonly loading = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly dir: string,
    private readonly redis: Redis,
    private readonly stateDir: string,
  ) {}

  get(ref: ModelRef): Promise<LoadedModel> {
    let model = this.loading.get(ref.sha256);
    if (!model) {
      model = this.fetch(ref);
      this.loading.set(ref.sha256, model);
      // A failure is not cached: the next job may find the model (Redis back up, the share mounted).
      model.catch(() => this.loading.delete(ref.sha256));
    }
    return model;
  }

  /** Where a model lives in this cache. */
  pathOf(ref: ModelRef): string {
    return path.join(this.dir, ref.sha256, ref.fileName);
  }

  private async fetch(ref: ModelRef): Promise<LoadedModel> {
    const cached = this.pathOf(ref);
    if ((await hashOrNull(cached)) === ref.sha256) return loadModel(cached, { stateDir: this.stateDir });
    const bytes = (await this.fromSharedPath(ref)) ?? (await this.fromRedis(ref));
    await fs.mkdir(path.dirname(cached), { recursive: true }).catch((error: unknown) => {
      throw fromFsError(error, path.dirname(cached), 'write');
    });
    await writeFileAtomic(cached, bytes);
    return loadModel(cached, { stateDir: this.stateDir });
  }

  private async fromSharedPath(ref: ModelRef): Promise<Uint8Array | undefined> {
    const bytes = await fs.readFile(ref.path).catch(() => undefined);
    // A different file at that path (another machine's copy of a model with the same name) is passed over.
    return bytes && hashBytes(bytes) === ref.sha256 ? bytes : undefined;
  }

  private async fromRedis(ref: ModelRef): Promise<Uint8Array> {
    const bytes = await this.redis.getBuffer(redisKeys.model(ref.sha256));
    if (!bytes) {
      throw new SrError(
        'UNKNOWN_MODEL',
        `Model ${ref.id} (sha256 ${ref.sha256.slice(0, 12)}…) is not on this worker: not in ${this.dir}, not at ${ref.path}, not in Redis`,
        'Queue the batch again from the machine that has the model: it uploads the model to Redis.',
        ref.path,
      );
    }
    if (hashBytes(bytes) !== ref.sha256) {
      throw new SrError(
        'BAD_MODEL',
        `The copy of model ${ref.id} in Redis does not match its sha256 ${ref.sha256.slice(0, 12)}…`,
        `Delete the damaged copy (redis-cli DEL ${redisKeys.model(ref.sha256)}) and queue the batch again, which uploads it anew.`,
      );
    }
    return bytes;
  }
}

async function hashOrNull(file: string): Promise<string | null> {
  return hashFile(file).catch(() => null);
}

async function readModelFile(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw fromFsError(error, file, 'read');
  }
}
