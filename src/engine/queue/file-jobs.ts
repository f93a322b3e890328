import { z } from 'zod';
import { RecipeSchema } from '../degrade/recipe.ts';
import { ExistingPolicy, UpscaleSettings } from '../jobs/upscale-request.ts';
import { DEVICES, type Device } from '../models/execution-providers.ts';

/**
 * What travels through the queue, in both directions, as zod schemas: the enqueuing side writes with them and the
 * worker parses with them, so a job written by another SR Studio version is refused with a clear error instead of
 * being misread. Paths are paths on the shared file system, the same on every machine.
 */

/** A model by content: a worker that lacks it fetches it (model-transport.ts) and checks the hash. */
export const ModelRef = z.object({
  id: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  /** The file's own name, kept in the cache, so a model without SR Studio metadata gets the same inferred id. */
  fileName: z.string().min(1),
  /** Where the batch was planned; a worker that sees the same path (a shared folder) copies the model from there. */
  path: z.string().min(1),
});
export type ModelRef = z.infer<typeof ModelRef>;

export const UpscaleFileResult = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The file's own seconds on this worker: its stages' busy time (as a local batch journals it). */
  seconds: z.number().nonnegative(),
  /**
   * The output as written (size, inode, modification time in ns, as `make` and rsync tell an unchanged file): how a
   * later attempt recognises the finished file. A stat, not a hash: re-reading every output cost 3-30 ms per file.
   */
  bytes: z.number().int().nonnegative(),
  ino: z.string(),
  mtimeNs: z.string(),
  /** `host-pid` of the worker that wrote the output. */
  worker: z.string(),
  /** Which try of this file wrote it (1 unless a worker died or failed on it before). */
  attempt: z.number().int().positive(),
});
export type UpscaleFileResult = z.infer<typeof UpscaleFileResult>;

export const UpscaleFileJob = z.object({
  batch: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  input: z.string().min(1),
  output: z.string().min(1),
  model: ModelRef,
  settings: UpscaleSettings,
  /**
   * The batch's output policy, which the worker applies when the output appears, as a local batch does: only
   * `overwrite` replaces a file found there; otherwise that file is kept and the job fails with OUTPUT_EXISTS (the
   * dispatcher records it as skipped under `skip`). Required: a worker must never guess a policy that loses a file.
   */
  existing: ExistingPolicy,
  /**
   * Recorded by the attempt that wrote the output, just before it reports back. If that worker dies in between, the
   * next attempt finds this, checks that the file is still that one, and reports it instead of writing it again.
   */
  written: UpscaleFileResult.optional(),
});
export type UpscaleFileJob = z.infer<typeof UpscaleFileJob>;

export const EvalMethodRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kernel'), name: z.enum(['bicubic', 'bilinear', 'nearest', 'lanczos3']) }),
  /** `name` is the method's name where the evaluation was planned (results and saved files carry it). */
  z.object({ kind: z.literal('model'), name: z.string().min(1), model: ModelRef }),
]);
export type EvalMethodRef = z.infer<typeof EvalMethodRef>;

export const EvalImageJob = z.object({
  batch: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  file: z.string().min(1),
  scale: z.number().int().min(2).max(4),
  method: EvalMethodRef,
  device: z.enum(DEVICES as readonly Device[] as [Device, ...Device[]]).optional(),
  /** Where to write the reconstruction as PNG (`eval --save`). */
  saveDir: z.string().min(1).optional(),
  /** `eval --degrade`: the recipe and seed every worker degrades the image with (the same bytes on every machine). */
  degradation: z.object({ name: z.string().min(1).max(80), recipe: RecipeSchema, seed: z.number().int().nonnegative() }).optional(),
});
export type EvalImageJob = z.infer<typeof EvalImageJob>;

export const EvalImageResult = z.object({
  name: z.string(),
  /** null for a perfect reconstruction (infinite PSNR): JSON has no Infinity. */
  psnr: z.number().nullable(),
  ssim: z.number(),
  seconds: z.number().nonnegative(),
  worker: z.string(),
});
export type EvalImageResult = z.infer<typeof EvalImageResult>;

/** What a worker reports while it works on a job (BullMQ progress), so the enqueuing side can show who does what. */
export const FileProgress = z.object({ worker: z.string(), fraction: z.number().min(0).max(1) });
export type FileProgress = z.infer<typeof FileProgress>;
