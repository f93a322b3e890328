import type { EvalDegradation } from '../../engine/eval/protocol.ts';
import type { JobRecord } from '../../engine/store/jobs-repo.ts';

export type InterpolationName = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'matlab-bicubic';
export type EvaluationMethodRef = { model: string } | { interpolation: InterpolationName };

/** What an evaluation job row keeps as its params: everything needed to run (or resume) it without the request. */
export interface EvaluationJobParams {
  evaluation: 1;
  folders: { path: string; name: string }[];
  scales: number[];
  methods: EvaluationMethodRef[];
  /**
   * Real-photo inputs: the recipe whole (as it was when the job was planned, so a resume degrades exactly as the
   * start did) and its seed. Absent or null: the protocol's clean bicubic (jobs from before it existed have none).
   */
  degradation?: EvalDegradation | null;
}

/** The params of an 'eval' job, or undefined for rows this version did not write. */
export function evaluationJobParams(job: JobRecord): EvaluationJobParams | undefined {
  const params = job.params as Partial<EvaluationJobParams> | null;
  return job.kind === 'eval' && params?.evaluation === 1 ? (params as EvaluationJobParams) : undefined;
}
