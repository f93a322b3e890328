import type { JobProgress, UpscaleJobEvent } from './job-events.ts';
import type { ThroughputSnapshot } from './throughput-meter.ts';

/** Emits full progress snapshots: always at item boundaries, at most every `intervalMs` inside a file. */
export class ProgressReporter {
  private lastAt = Number.NEGATIVE_INFINITY;
  private currentInput: string | null = null;
  private currentFraction = 0;

  constructor(
    private readonly jobId: number,
    private readonly total: number,
    private readonly counts: { ok: number; failed: number; skipped: number },
    /** The local ThroughputMeter, or the queue's FleetMeter: anything that can say the rate and the ETA. */
    private readonly meter: { snapshot(): ThroughputSnapshot },
    private readonly emit: (event: UpscaleJobEvent) => void,
    private readonly intervalMs: number,
  ) {}

  current(input: string | null, fraction: number): void {
    this.currentInput = input;
    this.currentFraction = fraction;
    if (input !== null && fraction > 0) this.report(false);
  }

  currentInputIs(input: string): boolean {
    return this.currentInput === input;
  }

  report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    const { megapixelsPerSecond, etaSeconds, elapsedSeconds } = this.meter.snapshot();
    const progress: JobProgress = {
      done: this.counts.ok + this.counts.failed + this.counts.skipped,
      total: this.total,
      ...this.counts,
      currentInput: this.currentInput,
      currentFraction: this.currentFraction,
      megapixelsPerSecond,
      etaSeconds,
      elapsedSeconds,
    };
    this.emit({ type: 'progress', jobId: this.jobId, ...progress });
  }
}
