import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromFsError, SrError } from '../../engine/errors.ts';
import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import { type RunRecord, type RunStatus, RunsRepo } from '../../engine/store/runs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import { createTrainingRun, resumeTraining, type TrainResult, trainCreatedRun } from '../../engine/training/trainer.ts';
import type { TrainingStartParams } from '../../shared/contract/index.ts';
import type { Emit, JobRunner, StopReason } from './job-queue.ts';
import { trainConfigFrom } from './training-config.ts';
import { type TrainingJobParams, trainingJobParams } from './training-job-params.ts';
import { TrainingMetricsStream } from './training-metrics-stream.ts';

/** Runs that may be continued from their latest checkpoint. */
const RESUMABLE: readonly RunStatus[] = ['paused', 'interrupted', 'cancelled', 'failed', 'queued'];

/** The run's own folder: its best model and anything else a run produces outside the store's tables. */
export function runFolder(store: Store, runId: number): string {
  return join(store.paths.runs, `run-${runId}`);
}

/** The latest validation sample's PNGs (validation-sample.ts). */
export function sampleFolder(store: Store, runId: number): string {
  return join(runFolder(store, runId), 'validation-sample');
}

/** The 'train' job row of a run, if it has one (runs started by `srstudio train` have none). */
export function jobOfRun(store: Store, runId: number): JobRecord | undefined {
  return new JobsRepo(store).list({ kind: 'train' }).find((job) => trainingJobParams(job)?.runId === runId);
}

/**
 * Training runs (src/engine/training/trainer.ts) as queue jobs. A run is recorded with its config when it is
 * queued; the job row only points at it. Running a job trains from step 0 or, when the run has a checkpoint,
 * continues from the latest one, so the same path serves a first start, a resume after pause, and a run that a
 * crashed engine left interrupted.
 */
export class TrainingRunner implements JobRunner {
  constructor(
    private readonly store: () => Store,
    private readonly emit: Emit,
  ) {}

  /** Checks the settings and images, and records the run and its job as 'queued'. */
  async plan(params: TrainingStartParams): Promise<{ run: RunRecord; job: JobRecord }> {
    const store = this.store();
    const run = await createTrainingRun(store, await trainConfigFrom(params, store));
    const job = new JobsRepo(store).create('train', { version: 1, runId: run.id } satisfies TrainingJobParams);
    return { run, job };
  }

  /** Puts a stopped run back in the line (a new job row for a run that never had one). */
  requeue(runId: number): JobRecord {
    const store = this.store();
    const run = requireRun(store, runId);
    if (!RESUMABLE.includes(run.status)) {
      throw new SrError(
        'BAD_ARGUMENT',
        `Training run ${runId} is ${run.status}; only paused, interrupted, cancelled or failed runs can be resumed`,
        run.status === 'done' ? 'Start a new run to train further.' : 'Wait for it, or pause it first.',
      );
    }
    const jobs = new JobsRepo(store);
    const job = jobOfRun(store, runId);
    if (!job) return jobs.create('train', { version: 1, runId } satisfies TrainingJobParams);
    if (job.status === 'running') throw new SrError('BAD_ARGUMENT', `Training run ${runId} is running`, 'Pause it first.');
    jobs.setStatus(job.id, 'queued');
    return jobs.get(job.id) ?? job;
  }

  async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const store = this.store();
    const params = trainingJobParams(job);
    if (!params) throw new SrError('INTERNAL', `Training job ${job.id} has settings this version cannot read`, 'Start a new run.');
    const runs = new RunsRepo(store);
    requireRun(store, params.runId);
    const modelDir = runFolder(store, params.runId);
    try {
      mkdirSync(modelDir, { recursive: true });
    } catch (error) {
      throw fromFsError(error, modelDir, 'write');
    }
    const jobs = new JobsRepo(store);
    jobs.setStatus(job.id, 'running');
    this.emit('job.state', { jobId: String(job.id), kind: 'training', state: 'running' });

    const stream = new TrainingMetricsStream(params.runId, job.id, this.emit, sampleFolder(store, params.runId));
    const totalSteps = (runs.get(params.runId)?.config as { steps?: number } | undefined)?.steps ?? 0;
    const options = {
      signal,
      onEvent: stream.onTrainEvent.bind(stream),
      // Short runs report every step (their curve would be a few dots otherwise); long ones every 10 steps.
      logEvery: Math.max(1, Math.min(10, Math.round(totalSteps / 100))),
      modelDir,
    };
    let result: TrainResult;
    try {
      result = runs.latestCheckpoint(params.runId)
        ? await resumeTraining(store, params.runId, {}, options)
        : await trainCreatedRun(store, params.runId, options);
    } finally {
      await stream.settled();
    }
    this.finish(job, result, signal.reason as StopReason | undefined);
  }

  private finish(job: JobRecord, result: TrainResult, reason: StopReason | undefined): void {
    const store = this.store();
    const jobs = new JobsRepo(store);
    if (result.status === 'done') {
      jobs.setStatus(job.id, 'done');
      this.emit('job.state', { jobId: String(job.id), kind: 'training', state: 'done' });
      return;
    }
    if (reason === 'shutdown') {
      // The engine is stopping, not the user: the run waits, checkpointed, for an explicit resume.
      new RunsRepo(store).setStatus(result.run, 'interrupted');
      jobs.setStatus(job.id, 'interrupted');
      return;
    }
    // The jobs table has no 'paused'; the run row says paused (see job-summary.ts).
    jobs.setStatus(job.id, 'cancelled');
    this.emit('job.state', { jobId: String(job.id), kind: 'training', state: result.status === 'paused' ? 'paused' : 'cancelled' });
  }
}

export function requireRun(store: Store, runId: number): RunRecord {
  const run = new RunsRepo(store).get(runId);
  if (!run) throw new SrError('NOT_FOUND', `No training run ${runId}`, 'Run ids are the ones training.runs lists.');
  return run;
}
