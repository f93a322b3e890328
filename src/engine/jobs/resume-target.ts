import { SrError } from '../errors.ts';
import { isOtherProcessAlive } from '../store/clock.ts';
import type { JobRecord, JobStatus, JobsRepo } from '../store/jobs-repo.ts';
import { UpscaleJobParams } from './create-upscale-job.ts';
import { requestDifferences } from './request-difference.ts';
import type { UpscaleRequest } from './upscale-request.ts';

/** States a job can be resumed from: stopped before all its files were processed. */
const RESUMABLE: readonly JobStatus[] = ['queued', 'interrupted', 'cancelled'];

/**
 * The upscale job `--resume` continues (the given id, or the newest unfinished one), claimed for this process in
 * one store transaction: of two processes resuming the same job at once, exactly one gets it and the other gets
 * an SrError naming the process that runs it, before it has touched any file. A job left 'running' by a process
 * that died (crash, kill -9) is taken over.
 */
export function claimResumableJob(jobs: JobsRepo, id?: number): JobRecord {
  const claim = jobs.claim(pickJob(jobs, id).id, RESUMABLE);
  if (!claim.claimed) throw notResumable(claim.job);
  return claim.job;
}

/**
 * The job `--resume` would continue, checked but not claimed (to queue it again). A job left 'running' by a dead
 * process counts as resumable; one running in another live process does not.
 */
export function findResumableJob(jobs: JobsRepo, id?: number): JobRecord {
  const job = pickJob(jobs, id);
  if (!isResumable(job)) throw notResumable(job);
  return job;
}

/**
 * The job that a recalled command line with `--resume` appended continues: job `id`, or else the newest unfinished
 * upscale job with the same settings. When they differ, the error names each setting that does, so nobody resumes a
 * batch thinking it runs with settings it does not have.
 */
export function findResumableJobFor(jobs: JobsRepo, id: number | undefined, given: UpscaleRequest): number {
  const differencesFrom = (job: JobRecord) => requestDifferences(UpscaleJobParams.parse(job.params).request, given);
  const unfinished = jobs.list({ kind: 'upscale' }).filter(isResumable);
  const candidate = id === undefined ? (unfinished.find((job) => differencesFrom(job).length === 0) ?? unfinished[0]) : pickJob(jobs, id);
  if (candidate === undefined) return pickJob(jobs, undefined).id; // throws: nothing to resume
  const differences = differencesFrom(candidate);
  if (differences.length > 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `This command line does not match upscale job ${candidate.id}, so --resume cannot continue it:\n  ${differences.join('\n  ')}`,
      `Resume with the batch's own settings (\`srstudio upscale --resume ${candidate.id}\`), or drop --resume to start a new batch.`,
    );
  }
  if (!isResumable(candidate)) throw notResumable(candidate);
  return candidate.id;
}

function isResumable(job: JobRecord): boolean {
  return RESUMABLE.includes(job.status) || (job.status === 'running' && !isOtherProcessAlive(job.ownerPid));
}

function pickJob(jobs: JobsRepo, id: number | undefined): JobRecord {
  if (id === undefined) {
    const job = jobs.list({ kind: 'upscale' }).find((j) => RESUMABLE.includes(j.status) || j.status === 'running');
    if (!job) {
      throw new SrError(
        'NOT_FOUND',
        'There is no unfinished upscale job to resume',
        'Start a new batch with `srstudio upscale INPUT... -o OUT`.',
      );
    }
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
  return job;
}

function notResumable(job: JobRecord): SrError {
  if (job.status === 'running') {
    return new SrError(
      'BAD_ARGUMENT',
      `Upscale job ${job.id} is already being run by process ${job.ownerPid ?? '(unknown)'}`,
      'Wait for it to finish, or stop that process first (Ctrl-C, or Cancel in the app); then resume.',
    );
  }
  return new SrError(
    'BAD_ARGUMENT',
    `Upscale job ${job.id} has already finished (${job.status}); there is nothing to resume`,
    'Start a new batch instead.',
  );
}
