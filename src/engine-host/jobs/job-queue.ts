import { SrError } from '../../engine/errors.ts';
import { type JobKind, type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { EventName, EventPayload } from '../../shared/contract/index.ts';
import { toWireError } from '../wire-error.ts';
import { contractKind } from './job-summary.ts';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Why the queue stops a running job: the runner records the matching status. */
export type StopReason = 'cancel' | 'pause' | 'shutdown';

/** Runs one kind of job. Resolves when the job has stopped, after recording its final status in the store. */
export interface JobRunner {
  run(job: JobRecord, signal: AbortSignal): Promise<void>;
}

interface ActiveJob {
  job: JobRecord;
  controller: AbortController;
  finished: Promise<void>;
}

/**
 * The engine's one job line. The store is the queue: a job is a `jobs` row in status 'queued', and jobs run one at
 * a time in id order (the order they were queued). Because nothing lives only in memory, a restarted engine picks
 * up where the dead one stopped: `start()` runs whatever is still queued; jobs the dead engine left 'running' were
 * marked 'interrupted' before (recover.ts) and wait for an explicit resume.
 */
export class JobQueue {
  private active: ActiveJob | undefined;
  private shutDown = false;

  constructor(
    private readonly store: () => Store,
    private readonly runners: Partial<Record<JobKind, JobRunner>>,
    private readonly emit: Emit,
  ) {}

  /** Begins running queued jobs (at engine start, after recovery). */
  start(): void {
    this.runNext();
  }

  /** After a job row was written or set back to 'queued': runs it now when the line is free. Returns true if it started. */
  kick(jobId: number): boolean {
    if (!this.active) this.runNext();
    const runningNow = this.active?.job.id === jobId;
    if (!runningNow) this.emit('job.state', { jobId: String(jobId), kind: this.kindOf(jobId), state: 'queued' });
    return runningNow;
  }

  /** The job running now, if any. */
  get current(): JobRecord | undefined {
    return this.active?.job;
  }

  /**
   * Stops a job: a running one is asked to stop (the runner records 'cancelled' or 'paused') and awaited; a queued
   * one is taken out of the line ('cancelled', resumable later).
   */
  async stop(jobId: number, reason: Exclude<StopReason, 'shutdown'>): Promise<void> {
    const active = this.active;
    if (active && active.job.id === jobId) {
      active.controller.abort(reason);
      await active.finished;
      return;
    }
    const jobs = new JobsRepo(this.store());
    const job = jobs.get(jobId);
    if (job?.status === 'queued') {
      jobs.setStatus(jobId, 'cancelled');
      this.emit('job.state', { jobId: String(jobId), kind: contractKind(job.kind), state: 'cancelled' });
    }
  }

  /**
   * Stops the running job as the host shuts down, and settles once it has stopped (its runner records it as
   * interrupted); queued jobs stay queued for the next engine.
   */
  shutdown(): Promise<void> {
    this.shutDown = true;
    this.active?.controller.abort('shutdown' satisfies StopReason);
    return this.active?.finished ?? Promise.resolve();
  }

  private kindOf(jobId: number) {
    return contractKind(new JobsRepo(this.store()).get(jobId)?.kind ?? 'upscale');
  }

  private runNext(): void {
    if (this.active || this.shutDown) return;
    const next = this.claimNext();
    if (!next) return;
    const controller = new AbortController();
    const runner = this.runners[next.kind];
    const active: ActiveJob = { job: next, controller, finished: Promise.resolve() };
    this.active = active;
    const work = runner
      ? runner.run(next, controller.signal)
      : Promise.reject(new SrError('INTERNAL', `This engine cannot run ${next.kind} jobs (job #${next.id})`, 'Update SR Studio.'));
    active.finished = work
      .then(() => {
        // A runner that returns without recording how its job ended would leave it 'running' (ours) forever.
        if (new JobsRepo(this.store()).get(next.id)?.status === 'running')
          throw new SrError('INTERNAL', `Job #${next.id} ended without a result`, 'Resume it, or start it again.');
      })
      .catch((error: unknown) => this.recordFailure(next, error))
      .finally(() => {
        if (this.active === active) this.active = undefined;
        // The next job starts from a fresh turn, so a long line never grows the stack.
        setImmediate(() => this.runNext());
      });
  }

  /**
   * The oldest queued job, claimed for this engine (JobsRepo.claim), so that two engines sharing a store (the app
   * and `srstudio serve`) never run the same job: a job another engine claimed first is passed over.
   */
  private claimNext(): JobRecord | undefined {
    const jobs = new JobsRepo(this.store());
    const queued = jobs
      .list()
      .filter((job) => job.status === 'queued')
      .sort((a, b) => a.id - b.id);
    for (const job of queued) {
      const claim = jobs.claim(job.id, ['queued']);
      if (claim.claimed) return claim.job;
    }
    return undefined;
  }

  /** A runner that throws left the job unfinished: it is failed, with the reason, and the line goes on. */
  private recordFailure(job: JobRecord, error: unknown): void {
    const wire = toWireError(error);
    try {
      const jobs = new JobsRepo(this.store());
      const now = jobs.get(job.id);
      if (now && (now.status === 'running' || now.status === 'queued')) jobs.setStatus(job.id, 'failed', wire.message);
    } catch {
      // The store itself failed; the event below still tells the UI.
    }
    this.emit('job.state', { jobId: String(job.id), kind: contractKind(job.kind), state: 'failed', error: wire });
  }
}
