import { z } from 'zod';
import { EntityId, Scale } from '../common.ts';
import { defineRequest } from '../define.ts';
import { JobState } from './jobs.ts';

export const TrainingRunSummary = z.object({
  id: EntityId,
  architecture: z.string().max(100),
  scale: Scale,
  datasetId: EntityId,
  state: JobState,
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().nonnegative(),
  bestPsnr: z.number().nullable(),
  createdAt: z.iso.datetime(),
});
export type TrainingRunSummary = z.infer<typeof TrainingRunSummary>;

export const MetricPoint = z.object({
  step: z.number().int().nonnegative(),
  loss: z.number(),
  /** Validation PSNR, only on validation steps. */
  psnr: z.number().nullable(),
  learningRate: z.number(),
  samplesPerSecond: z.number().nonnegative(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

const RunRef = z.object({ runId: EntityId }).strict();

export const trainingRequests = {
  'training.start': defineRequest(
    z
      .object({
        architecture: z.enum(['srcnn-9-1-5', 'srcnn-9-5-5', 'fsrcnn', 'espcn']),
        scale: Scale,
        datasetId: EntityId,
        steps: z.number().int().min(1).max(10_000_000),
        batchSize: z.number().int().min(1).max(1024).default(64),
        learningRate: z.number().positive().max(1).default(1e-3),
        loss: z.enum(['mse', 'l1']).default('mse'),
        seed: z.number().int().default(1),
      })
      .strict(),
    z.object({ run: TrainingRunSummary }),
    'Starts a training run as a job; metrics arrive as training.metrics events.',
  ),
  'training.pause': defineRequest(RunRef, z.object({ run: TrainingRunSummary }), 'Checkpoints and pauses a run.'),
  'training.resume': defineRequest(
    RunRef,
    z.object({ run: TrainingRunSummary }),
    'Continues a paused or interrupted run from its checkpoint.',
  ),
  'training.cancel': defineRequest(RunRef, z.object({ run: TrainingRunSummary }), 'Stops a run; its last checkpoint is kept.'),
  'training.runs': defineRequest(z.object({}).strict(), z.object({ runs: z.array(TrainingRunSummary) }), 'Every training run.'),
  'training.metrics': defineRequest(
    RunRef.extend({ sinceStep: z.number().int().nonnegative().default(0), maxPoints: z.number().int().min(1).max(100_000).default(5000) }),
    z.object({ points: z.array(MetricPoint) }),
    'Recorded metrics of a run, downsampled to maxPoints.',
  ),
} as const;
