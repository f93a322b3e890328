import type { ItemError, UpscaleJobEvent } from '../../jobs/job-events.ts';
import { skipForAppearedOutput } from '../../jobs/plan-outputs.ts';
import { ProgressReporter } from '../../jobs/progress-reporter.ts';
import type { ExistingPolicy } from '../../jobs/upscale-request.ts';
import type { JobItemRecord, JobsRepo } from '../../store/jobs-repo.ts';
import { UpscaleFileResult } from '../file-jobs.ts';
import { FleetMeter } from './fleet-meter.ts';

/** Why a batch stopped being followed before all its files were reported. */
export type MirrorStop = { kind: 'aborted' } | { kind: 'disk-full'; error: ItemError };

/**
 * What the workers report about a batch's files, applied to this machine's journal and told as the same events a
 * local batch emits (item-start, item-done with the worker, item-failed, progress) plus each worker's throughput.
 * Every file is applied once, whichever comes first: its queue event or a catch-up read of its state.
 */
export class JournalMirror {
  /** Files not reported yet, by their place in the batch. */
  readonly open: Map<number, JobItemRecord>;
  readonly meter: FleetMeter;
  /** Resolves when every file is reported, or the batch stops being followed (`stop`). */
  readonly settled: Promise<void>;
  stopped: MirrorStop | undefined;
  /** Files that failed for a full disk: pending again here, to be taken out of the queue so that a resume adds them anew. */
  readonly diskFull: number[] = [];
  private writtenMp = 0;
  private lastWorkers = Number.NEGATIVE_INFINITY;
  private readonly counts = { ok: 0, failed: 0, skipped: 0 };
  private readonly progress: ProgressReporter;
  private settle!: () => void;

  constructor(
    private readonly jobs: JobsRepo,
    private readonly jobId: number,
    items: readonly JobItemRecord[],
    /** The batch's output policy: under `skip`, a file whose output appeared after planning is skipped, not failed. */
    private readonly existing: ExistingPolicy,
    private readonly emit: (event: UpscaleJobEvent) => void,
    /** The workers' table is told at most once per interval; progress at every file boundary. */
    private readonly intervalMs: number,
  ) {
    this.open = new Map(items.filter((i) => i.status === 'pending' || i.status === 'running').map((i) => [i.seq, i]));
    for (const item of items) {
      if (item.status === 'done') this.counts.ok++;
      else if (item.status === 'failed') this.counts.failed++;
      else if (item.status === 'skipped') this.counts.skipped++;
    }
    this.meter = new FleetMeter(this.open.size);
    this.progress = new ProgressReporter(jobId, items.length, this.counts, this.meter, emit, 0);
    this.settled = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.settleIfDone();
  }

  /** Output megapixels written while this machine followed the batch. */
  get megapixelsWritten(): number {
    return this.writtenMp;
  }

  /** A worker took the file (its first progress report). */
  started(seq: number, worker: string): void {
    const item = this.open.get(seq);
    if (!item) return;
    if (item.status !== 'running') {
      this.jobs.markItem(item.id, 'running');
      item.status = 'running';
      this.emit({ type: 'item-start', jobId: this.jobId, itemId: item.id, input: item.input, output: item.output as string });
    }
    this.meter.started(worker, item.input);
    this.report(false);
  }

  /** A worker finished the file; `raw` is its result as BullMQ stored it. */
  done(seq: number, raw: unknown): void {
    const item = this.open.get(seq);
    if (!item) return;
    const parsed = UpscaleFileResult.safeParse(raw);
    if (!parsed.success) {
      this.failed(seq, { code: 'INTERNAL', message: `${item.input}: the worker reported a result this SR Studio version cannot read` });
      return;
    }
    this.open.delete(seq);
    const { width, height, seconds, worker } = parsed.data;
    const output = item.output as string;
    this.jobs.markItem(item.id, 'done', { width, height, seconds, error: null });
    this.counts.ok++;
    this.writtenMp += (width * height) / 1e6;
    this.meter.finished(worker, item.input, (width * height) / 1e6);
    this.emit({ type: 'item-done', jobId: this.jobId, itemId: item.id, input: item.input, output, width, height, seconds, worker });
    this.report(true);
    this.settleIfDone();
  }

  /**
   * The file failed its last attempt. A full disk stops the batch instead, and under `skip` an output that appeared
   * after planning (kept by the worker) skips the file, as in a local batch.
   */
  failed(seq: number, error: ItemError): void {
    const item = this.open.get(seq);
    if (!item) return;
    this.open.delete(seq);
    this.meter.finished(undefined, item.input, 0);
    if (error.code === 'DISK_FULL') {
      // Every next file would fail the same way: this one stays to do, and the batch stops, resumable once space is freed.
      this.jobs.markItem(item.id, 'pending');
      this.diskFull.push(seq);
      this.stop({ kind: 'disk-full', error });
      return;
    }
    const reason = skipForAppearedOutput(error.code, this.existing, item.output);
    if (reason !== undefined) {
      this.jobs.markItem(item.id, 'skipped', { reason });
      this.counts.skipped++;
      this.emit({ type: 'item-skipped', jobId: this.jobId, itemId: item.id, input: item.input, reason });
      this.report(true);
      this.settleIfDone();
      return;
    }
    this.jobs.markItem(item.id, 'failed', { error: error.message, reason: error.code });
    this.counts.failed++;
    this.emit({ type: 'item-failed', jobId: this.jobId, itemId: item.id, input: item.input, error });
    this.report(true);
    this.settleIfDone();
  }

  stop(reason: MirrorStop): void {
    this.stopped ??= reason;
    this.settle();
  }

  /** Progress and the workers' table, now. */
  reportAll(): void {
    this.progress.report(true);
    this.reportWorkers();
  }

  private report(fileBoundary: boolean): void {
    const due = performance.now() - this.lastWorkers >= this.intervalMs;
    if (fileBoundary || due) this.progress.report(true);
    if (due) this.reportWorkers();
  }

  private reportWorkers(): void {
    this.lastWorkers = performance.now();
    this.emit({ type: 'workers', jobId: this.jobId, workers: this.meter.workers() });
  }

  private settleIfDone(): void {
    if (this.open.size === 0) this.settle();
  }
}
