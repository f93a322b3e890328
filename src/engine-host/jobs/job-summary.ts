import { UpscaleJobParams } from '../../engine/jobs/create-upscale-job.ts';
import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import { RunsRepo } from '../../engine/store/runs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { JobKind, JobState, JobSummary } from '../../shared/contract/index.ts';
import { evaluationJobParams } from './evaluation-job-params.ts';
import { trainingJobParams } from './training-job-params.ts';

const KIND: Record<JobRecord['kind'], JobKind> = { upscale: 'upscale', train: 'training', eval: 'evaluation' };

/** The store's job kind as the contract names it. */
export function contractKind(kind: JobRecord['kind']): JobKind {
  return KIND[kind];
}

/** An evaluation on real-photo inputs says which, so it is not mistaken for a clean-protocol one. */
function degradedInputs(record: JobRecord): string {
  const degradation = evaluationJobParams(record)?.degradation;
  return degradation ? ` on ${degradation.name} inputs (seed ${degradation.seed})` : '';
}

function titleOf(record: JobRecord, total: number): string {
  const noun =
    KIND[record.kind] === 'upscale'
      ? `Upscale ${total} image${total === 1 ? '' : 's'}`
      : KIND[record.kind] === 'training'
        ? 'Training run'
        : `Evaluation${degradedInputs(record)}`;
  const queue = UpscaleJobParams.safeParse(record.params).data?.queue;
  return queue ? `${noun} on queue batch ${queue.batch} (#${record.id})` : `${noun} (#${record.id})`;
}

/** A journal row (src/engine/store/jobs-repo.ts) as the contract shows it, with done/total from its items. */
export function toJobSummary(store: Store, record: JobRecord): JobSummary {
  if (record.kind === 'train') return trainingJobSummary(store, record);
  const items = new JobsRepo(store).items(record.id);
  const done = items.filter((item) => item.status === 'done' || item.status === 'skipped' || item.status === 'failed').length;
  return {
    id: String(record.id),
    kind: KIND[record.kind],
    state: record.status,
    title: titleOf(record, items.length),
    done,
    total: items.length,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * A training job counts steps. The jobs table has no 'paused' state (its schema predates pausing), so a paused
 * run's job row is 'cancelled' and the run's own status says 'paused': the summary shows the run's word for it.
 */
function trainingJobSummary(store: Store, record: JobRecord): JobSummary {
  const params = trainingJobParams(record);
  const runs = new RunsRepo(store);
  const run = params ? runs.get(params.runId) : undefined;
  const state: JobState = record.status === 'cancelled' && run?.status === 'paused' ? 'paused' : record.status;
  const total = (run?.config as { steps?: number } | undefined)?.steps ?? 0;
  const done = run ? Math.min(total, runs.latestCheckpoint(run.id)?.step ?? 0) : 0;
  return {
    id: String(record.id),
    kind: 'training',
    state,
    title: run ? `Training run ${run.id}: ${run.arch} ×${run.scale} (#${record.id})` : titleOf(record, 0),
    done: record.status === 'done' ? total : done,
    total,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
