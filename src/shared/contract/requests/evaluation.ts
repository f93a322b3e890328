import { z } from 'zod';
import { EntityId, Interpolation, Scale, Scores } from '../common.ts';
import { defineRequest } from '../define.ts';
import { JobSummary } from './jobs.ts';

export const evaluationRequests = {
  'evaluation.start': defineRequest(
    z
      .object({
        datasetId: EntityId,
        scales: z.array(Scale).min(1).max(8),
        methods: z
          .array(z.union([z.object({ model: EntityId }), z.object({ interpolation: Interpolation })]))
          .min(1)
          .max(32),
      })
      .strict(),
    z.object({ job: JobSummary }),
    'Scores methods on a data set with the SR protocol (MATLAB bicubic degradation, Y channel, shave).',
  ),
  'evaluation.results': defineRequest(
    z.object({ jobId: EntityId }).strict(),
    z.object({
      rows: z.array(
        z.object({
          method: z.string().max(200),
          scale: Scale,
          mean: Scores,
          perImage: z.array(Scores.extend({ image: z.string().max(500) })),
        }),
      ),
    }),
    'The scores an evaluation job produced.',
  ),
} as const;
