import type { Redis } from 'ioredis';
import { z } from 'zod';
import { SrError } from '../errors.ts';
import { UpscaleRequest } from '../jobs/upscale-request.ts';
import { EvalMethodRef, ModelRef } from './file-jobs.ts';
import { KEEP_FINISHED_SECONDS, redisKeys } from './queue-names.ts';

/**
 * A batch's plan, kept in Redis beside its jobs: what was asked, with which model, and every input with its output
 * path and what planning decided (to do, skipped, failed). The jobs hold each file's outcome; the plan plus the jobs
 * answer `srstudio jobs status` from any machine, and let `--resume` re-enqueue what is missing. Written once.
 */
export const PlannedItem = z.object({
  seq: z.number().int().nonnegative(),
  input: z.string(),
  output: z.string().nullable(),
  status: z.enum(['pending', 'skipped', 'failed']),
  reason: z.string().nullable(),
  error: z.string().nullable(),
});
export type PlannedItem = z.infer<typeof PlannedItem>;

export const UpscaleBatchManifest = z.object({
  version: z.literal(1),
  kind: z.literal('upscale'),
  batch: z.number().int().positive(),
  createdAt: z.string(),
  request: UpscaleRequest,
  model: ModelRef,
  /** How many times a file is tried before it is reported failed. */
  attempts: z.number().int().positive(),
  items: z.array(PlannedItem),
});
export type UpscaleBatchManifest = z.infer<typeof UpscaleBatchManifest>;

export const EvalBatchManifest = z.object({
  version: z.literal(1),
  kind: z.literal('eval'),
  batch: z.number().int().positive(),
  createdAt: z.string(),
  data: z.string(),
  scale: z.number().int(),
  method: EvalMethodRef,
  images: z.array(z.string()),
});
export type EvalBatchManifest = z.infer<typeof EvalBatchManifest>;

export const BatchManifest = z.discriminatedUnion('kind', [UpscaleBatchManifest, EvalBatchManifest]);
export type BatchManifest = z.infer<typeof BatchManifest>;

/** Stores the plan unless it is there already (a resume keeps the original); kept as long as finished jobs are. */
export async function writeManifest(redis: Redis, manifest: BatchManifest): Promise<void> {
  await redis.set(redisKeys.batch(manifest.batch), JSON.stringify(manifest), 'EX', KEEP_FINISHED_SECONDS, 'NX');
}

/** The batch's plan, or undefined when Redis has none (a wrong number, or one that expired). */
export async function findManifest(redis: Redis, batch: number, where: string): Promise<BatchManifest | undefined> {
  const text = await redis.get(redisKeys.batch(batch));
  if (text === null) return undefined;
  const parsed = BatchManifest.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SrError(
      'INTERNAL',
      `Batch ${batch} on ${where} was written by another SR Studio version`,
      'Use the same version on every machine.',
    );
  }
  return parsed.data;
}

export async function readManifest(redis: Redis, batch: number, where: string): Promise<BatchManifest> {
  const manifest = await findManifest(redis, batch, where);
  if (!manifest) {
    throw new SrError(
      'NOT_FOUND',
      `There is no batch ${batch} on ${where}`,
      `Check the batch number (printed when it was queued) and the URL; finished batches are kept ${KEEP_FINISHED_SECONDS / 86400} days.`,
    );
  }
  return manifest;
}
