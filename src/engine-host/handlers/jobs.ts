import { SrError } from '../../engine/errors.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { HandlerTable } from '../handler.ts';
import { toJobSummary } from '../jobs/job-summary.ts';

function jobNumber(jobId: string): number {
  const id = Number(jobId);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new SrError('NOT_FOUND', `No job "${jobId}"`, 'Job ids are the numbers that jobs.list shows.');
  return id;
}

/** Batch upscale jobs over the durable journal. `jobs.details` waits for a settled params mapping (see report). */
export const jobHandlers: HandlerTable = {
  'jobs.start': async (params, { services, emit }) => ({ job: await services.upscale.start({ params }, emit) }),
  'jobs.cancel': async ({ jobId }, { services }) => ({ job: await services.upscale.cancel(jobNumber(jobId)) }),
  'jobs.resume': async ({ jobId }, { services, emit }) => ({ job: await services.upscale.start({ resume: jobNumber(jobId) }, emit) }),
  'jobs.list': async ({ states, limit }, { services }) => {
    const store = services.store;
    const records = new JobsRepo(store).list().filter((record) => !states || states.includes(record.status));
    return { jobs: records.slice(0, limit).map((record) => toJobSummary(store, record)) };
  },
};
