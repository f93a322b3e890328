import { z } from 'zod';
import { defineRequest } from '../define.ts';
import { JobSummary, UpscaleParams } from './jobs.ts';

/** A Redis URL as the user typed it: redis:// or rediss://, with or without a password. Checked by the engine. */
export const RedisUrl = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^rediss?:\/\//, 'starts with redis:// or rediss://');

/** One queue worker's part in a batch, as the enqueuing engine sees it from the workers' reports. */
export const QueueWorker = z.object({
  /** `host-pid` of the worker process. */
  name: z.string().max(300),
  /** Files it finished for this batch (written or failed). */
  files: z.number().int().nonnegative(),
  megapixels: z.number().nonnegative(),
  /** Output MP/s since its first file of the batch; null until it wrote one. */
  megapixelsPerSecond: z.number().nonnegative().nullable(),
  /** Names of the files it works on now. */
  current: z.array(z.string().max(500)).max(64),
});
export type QueueWorker = z.infer<typeof QueueWorker>;

export const queueRequests = {
  'queue.check': defineRequest(
    z.object({ url: RedisUrl }).strict(),
    z.object({
      /** The URL without its password. */
      url: z.string().max(2048),
      redisVersion: z.string().max(50),
      /** Names of the `srstudio worker` processes connected now. */
      workers: z.array(z.string().max(300)).max(10_000),
    }),
    'Connects to a queue and lists its workers; a bad or unreachable URL fails with QUEUE_UNAVAILABLE and what to check.',
  ),
  'queue.upscale': defineRequest(
    z
      .object({
        batch: UpscaleParams,
        url: RedisUrl,
        /** How many times a file is tried before it counts as failed. */
        attempts: z.number().int().min(1).max(20).default(3),
      })
      .strict(),
    z.object({ job: JobSummary, batch: z.number().int().positive() }),
    'Queues an upscale batch whose files queue workers upscale; it runs as a job of this engine (same job events), and per-worker throughput arrives as queue.workers events.',
  ),
} as const;
