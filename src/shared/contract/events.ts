import { z } from 'zod';
import { Seconds } from './common.ts';
import { WireError } from './errors.ts';
import { JobKind, JobState } from './requests/jobs.ts';
import { QueueWorker } from './requests/queue.ts';
import { TrainingMetricsEvent } from './requests/training.ts';

/**
 * Everything the engine reports without being asked. Progress is coalesced by the sender (latest value per job wins),
 * so a listener may see fewer progress events than items, but always the last one before a `job.state`.
 */
export const events = {
  'job.progress': z.object({
    jobId: z.string().max(128),
    kind: JobKind,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    etaSeconds: Seconds,
    message: z.string().max(500).optional(),
    /** How far the current file is (0..1), for a per-file bar. */
    itemFraction: z.number().min(0).max(1).optional(),
    /** Output megapixels per second in this run, measured by the engine; null until measurable. */
    megapixelsPerSecond: z.number().nonnegative().nullable().optional(),
  }),
  'job.state': z.object({ jobId: z.string().max(128), kind: JobKind, state: JobState, error: WireError.optional() }),
  /** A queued batch (queue.upscale): each worker's part, with every progress report of the batch. */
  'queue.workers': z.object({
    jobId: z.string().max(128),
    batch: z.number().int().positive(),
    /** The Redis URL without its password. */
    url: z.string().max(2048),
    workers: z.array(QueueWorker).max(1000),
  }),
  'training.metrics': TrainingMetricsEvent,
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    source: z.string().max(100),
    message: z.string().max(4000),
    at: z.iso.datetime(),
  }),
  'engine.state': z.object({
    state: z.enum(['starting', 'ready', 'crashed', 'restarting', 'stopped']),
    pid: z.number().int().nullable(),
    restarts: z.number().int().nonnegative(),
    message: z.string().max(2000).optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
