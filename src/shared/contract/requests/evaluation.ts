import { z } from 'zod';
import { EntityId, FsPath, Interpolation, Scale, Scores } from '../common.ts';
import { defineRequest } from '../define.ts';
import { JobSummary } from './jobs.ts';

/**
 * Evaluation inputs made like real photos instead of by the protocol's clean bicubic (`srstudio eval --degrade P
 * --seed N`): the engine's named recipes (src/engine/degrade/presets.ts; `clean` is the protocol itself) and the seed
 * of their random draws, so the same seed gives the same inputs and models are compared on identical pixels.
 */
export const EvaluationDegradation = z
  .object({
    preset: z.enum(['clean', 'photo', 'heavy']),
    seed: z.number().int().min(0).max(2_147_483_647),
  })
  .strict();
export type EvaluationDegradation = z.infer<typeof EvaluationDegradation>;

/** What a stored score's inputs were degraded with; null: the protocol's clean bicubic. */
export const ScoreDegradation = z.object({ name: z.string().min(1).max(80), seed: z.number().int().nonnegative() }).nullable();

export const evaluationRequests = {
  'evaluation.start': defineRequest(
    z
      .object({
        /** A data set: each of its folders is scored as one data set of the protocol. */
        datasetId: EntityId.optional(),
        /** Or folders of ground-truth images directly (e.g. Set5, Set14); both may be given. */
        folders: z.array(FsPath).min(1).max(32).optional(),
        /** The protocol's scales: 2, 3 or 4. */
        scales: z.array(Scale).min(1).max(8),
        methods: z
          .array(z.union([z.object({ model: EntityId }), z.object({ interpolation: Interpolation })]))
          .min(1)
          .max(32),
        /** Absent (or preset `clean`): the SR protocol's MATLAB bicubic downscale. */
        degradation: EvaluationDegradation.optional(),
      })
      .strict()
      .refine((p) => p.datasetId !== undefined || (p.folders?.length ?? 0) > 0, 'give a datasetId or folders'),
    z.object({ job: JobSummary }),
    'Scores methods on a data set with the SR protocol (MATLAB bicubic degradation, or a real-photo one with its seed; Y channel, shave).',
  ),
  'evaluation.results': defineRequest(
    /** Without a job id: the newest score of every method × data × scale × degradation (the Metrics dashboard's table). */
    z.object({ jobId: EntityId.optional() }).strict(),
    z.object({
      rows: z.array(
        z.object({
          method: z.string().max(200),
          /** The data set's folder as the UI names it (data set name, or folder name). */
          dataset: z.string().max(500).optional(),
          /** That folder, absolute. */
          folder: FsPath.optional(),
          jobId: EntityId.nullable().optional(),
          scale: Scale,
          mean: Scores,
          perImage: z.array(Scores.extend({ image: z.string().max(500) })),
          createdAt: z.iso.datetime().optional(),
          /** Clean protocol (null) or degraded inputs: scores of both kinds are kept, and shown, side by side. */
          degradation: ScoreDegradation,
        }),
      ),
    }),
    'The scores an evaluation job produced (or the newest of every method × data × scale).',
  ),
} as const;
