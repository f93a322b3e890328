import { SrError } from '../errors.ts';
import type { JobRecord, JobStatus, JobsRepo } from '../store/jobs-repo.ts';

/** States a job can be resumed from: stopped before all its files were processed. */
const RESUMABLE: readonly JobStatus[] = ['queued', 'interrupted', 'cancelled'];

/**
 * The upscale job `--resume` continues: the given id, or the newest unfinished one. Jobs left 'running' by a
 * process that died (crash, kill -9) are first marked interrupted by the store; a job whose process is still
 * alive is refused, so two processes never work on the same files.
 */
export function findResumableJob(jobs: JobsRepo, id?: number): JobRecord {
  jobs.markRunningAsInterrupted();
  if (id === undefined) {
    const job = jobs.list({ kind: 'upscale' }).find((j) => RESUMABLE.includes(j.status) || j.status === 'running');
    if (!job) {
      throw new SrError(
        'NOT_FOUND',
        'There is no unfinished upscale job to resume',
        'Start a new batch with `srstudio upscale INPUT... -o OUT`.',
      );
    }
    assertResumable(job);
    return job;
  }
  const job = jobs.get(id);
  if (job?.kind !== 'upscale') {
    throw new SrError(
      'NOT_FOUND',
      `There is no upscale job with id ${id}`,
      'Check the id (it is printed when a batch is interrupted), or check --state.',
    );
  }
  assertResumable(job);
  return job;
}

function assertResumable(job: JobRecord): void {
  if (RESUMABLE.includes(job.status)) return;
  if (job.status === 'running') {
    throw new SrError(
      'BAD_ARGUMENT',
      `Upscale job ${job.id} is still running in another SR Studio process`,
      'Wait for it to finish, or stop it first.',
    );
  }
  throw new SrError(
    'BAD_ARGUMENT',
    `Upscale job ${job.id} has already finished (${job.status}); there is nothing to resume`,
    'Start a new batch instead.',
  );
}
