import { z } from 'zod';
import type { JobRecord } from '../../engine/store/jobs-repo.ts';

/** What a 'train' job row stores: the run it trains (the run row holds the config). */
export const TrainingJobParams = z.object({ version: z.literal(1), runId: z.number().int().positive() });
export type TrainingJobParams = z.infer<typeof TrainingJobParams>;

/** The params of a 'train' job, or undefined for rows this version did not write. */
export function trainingJobParams(record: JobRecord): TrainingJobParams | undefined {
  if (record.kind !== 'train') return undefined;
  const parsed = TrainingJobParams.safeParse(record.params);
  return parsed.success ? parsed.data : undefined;
}
