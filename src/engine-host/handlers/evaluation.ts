import { SrError } from '../../engine/errors.ts';
import { type EvaluationRecord, EvaluationsRepo } from '../../engine/store/evaluations-repo.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { ResultOf } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';
import { toJobSummary } from '../jobs/job-summary.ts';

type ResultRow = ResultOf<'evaluation.results'>['rows'][number];

function toRow(record: EvaluationRecord): ResultRow {
  return {
    method: record.method,
    dataset: record.dataName,
    folder: record.data,
    jobId: record.jobId === null ? null : String(record.jobId),
    scale: record.scale,
    mean: { psnr: record.psnr, ssim: record.ssim },
    perImage: record.perImage.map((image) => ({ image: image.image, psnr: image.psnr, ssim: image.ssim })),
    createdAt: record.createdAt,
    degradation: record.degradation,
  };
}

/**
 * Evaluations as queue jobs (kind 'eval'): `evaluation.start` checks and journals the job, the queue runs it with
 * `job.progress`/`job.state` events and `jobs.cancel` stops it; `evaluation.results` reads the persisted scores.
 */
export const evaluationHandlers: HandlerTable = {
  'evaluation.start': async (params, { services }) => {
    const job = await services.evaluation.plan(params);
    services.queue.kick(job.id);
    const record = new JobsRepo(services.store).get(job.id) ?? job;
    return { job: toJobSummary(services.store, record) };
  },
  'evaluation.results': async ({ jobId }, { services }) => {
    const repo = new EvaluationsRepo(services.store);
    if (jobId === undefined) return { rows: repo.latest().map(toRow) };
    const id = Number(jobId);
    const job = Number.isSafeInteger(id) ? new JobsRepo(services.store).get(id) : undefined;
    if (job?.kind !== 'eval') {
      throw new SrError('NOT_FOUND', `No evaluation job "${jobId}"`, 'Job ids are the numbers that jobs.list shows for evaluations.');
    }
    return { rows: repo.forJob(id).map(toRow) };
  },
};
