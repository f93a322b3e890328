import { z } from 'zod';
import { PRECISIONS } from '../../model-meta.ts';
import { EntityId, FsPath, OutputFormat, Seconds } from '../common.ts';
import { defineRequest } from '../define.ts';

export const JobState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;
export const JobKind = z.enum(['upscale', 'evaluation', 'training', 'dataset']);
export type JobKind = z.infer<typeof JobKind>;

export const JobSummary = z.object({
  id: EntityId,
  kind: JobKind,
  state: JobState,
  title: z.string().max(500),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const UpscaleItem = z.object({
  input: FsPath,
  output: FsPath.optional(),
  state: z.enum(['pending', 'done', 'failed', 'skipped']),
  error: z.string().max(2000).optional(),
  seconds: Seconds,
});

/** A batch upscale, as the engine's batch runner takes it (src/engine/jobs/upscale-request.ts). */
export const UpscaleParams = z
  .object({
    /** Files and folders. */
    inputs: z.array(FsPath).min(1).max(100_000),
    outputFolder: FsPath,
    recursive: z.boolean().default(false),
    /** A factor, or a target width or height (one of the three; none: the model's native factor). */
    scale: z.number().gt(0).max(16).optional(),
    width: z.number().int().positive().max(65_535).optional(),
    height: z.number().int().positive().max(65_535).optional(),
    /** A model id or a path to an .onnx file; absent: the default model for the scale. */
    model: z.string().min(1).max(4096).optional(),
    format: OutputFormat.default('keep'),
    /** JPEG/WebP/AVIF quality; absent: the engine's default per format (JPEG 92, WebP 90, AVIF 70). */
    quality: z.number().int().min(1).max(100).optional(),
    /** PNG compression effort, zlib level 0-9; absent: the engine's default (3). */
    pngCompression: z.number().int().min(0).max(9).optional(),
    nameTemplate: z.string().min(1).max(200).optional(),
    /** What to do when an output file already exists. */
    existing: z.enum(['refuse', 'skip', 'overwrite']).default('refuse'),
    tileSize: z.number().int().min(32).max(4096).optional(),
    device: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']).optional(),
    /** auto (absent): the model's int8 variant where the CPU has int8 dot products and it keeps the quality budget. */
    precision: z.enum(PRECISIONS).optional(),
    /** Restoration strength of a photo model: 0 keeps grain and texture (its clean parent), 1 (absent) is full clean-up. */
    strength: z.number().min(0).max(1).optional(),
  })
  .strict();
export type UpscaleParams = z.infer<typeof UpscaleParams>;

const JobRef = z.object({ jobId: EntityId }).strict();

export const jobRequests = {
  'jobs.start': defineRequest(UpscaleParams, z.object({ job: JobSummary }), 'Queues an upscale batch; progress arrives as job events.'),
  'jobs.cancel': defineRequest(JobRef, z.object({ job: JobSummary }), 'Stops a job; finished items are kept.'),
  'jobs.resume': defineRequest(JobRef, z.object({ job: JobSummary }), 'Continues an interrupted or cancelled job where it stopped.'),
  'jobs.list': defineRequest(
    z.object({ states: z.array(JobState).max(10).optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    z.object({ jobs: z.array(JobSummary) }),
    'Recent jobs, newest first.',
  ),
  'jobs.details': defineRequest(
    JobRef,
    /** `params` only for upscale jobs; evaluation items are method · data · ×scale, training jobs have none. */
    z.object({ job: JobSummary, params: UpscaleParams.optional(), items: z.array(UpscaleItem) }),
    'One job with its items.',
  ),
} as const;
