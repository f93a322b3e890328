import type { WorkerThroughput } from '../../jobs/job-events.ts';
import type { ThroughputSnapshot } from '../../jobs/throughput-meter.ts';

interface WorkerTally {
  files: number;
  megapixels: number;
  /** When this machine first heard of the worker working on the batch (seconds). */
  since: number;
  current: Set<string>;
}

/**
 * MP/s and ETA of a batch that several workers share, and each worker's part, from what the workers report (file
 * started, file finished with its output size). MP/s counts output megapixels written since this machine began to
 * follow the batch; the ETA assumes the files still to do take as long, on average, as the ones finished.
 */
export class FleetMeter {
  private readonly tallies = new Map<string, WorkerTally>();
  private readonly startedAt: number;
  private filesFinished = 0;
  private megapixels = 0;

  constructor(
    private remaining: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.startedAt = now();
  }

  /** A worker took a file (a retried file leaves the worker that had it before). */
  started(worker: string, input: string): void {
    for (const tally of this.tallies.values()) tally.current.delete(input);
    this.tally(worker).current.add(input);
  }

  /** A file is written (`outputMp` > 0) or failed (0); `worker` is unknown for a failure reported by BullMQ itself. */
  finished(worker: string | undefined, input: string, outputMp: number): void {
    this.remaining = Math.max(0, this.remaining - 1);
    this.filesFinished += 1;
    this.megapixels += outputMp;
    for (const tally of this.tallies.values()) tally.current.delete(input);
    if (worker === undefined) return;
    const tally = this.tally(worker);
    tally.files += 1;
    tally.megapixels += outputMp;
  }

  snapshot(): ThroughputSnapshot {
    const elapsedSeconds = Math.max(0, this.now() - this.startedAt);
    const megapixelsPerSecond = this.megapixels > 0 && elapsedSeconds >= 0.05 ? this.megapixels / elapsedSeconds : null;
    const filesPerSecond = this.filesFinished > 0 && elapsedSeconds > 0 ? this.filesFinished / elapsedSeconds : 0;
    const etaSeconds = this.remaining === 0 ? 0 : filesPerSecond > 0 ? this.remaining / filesPerSecond : null;
    return { megapixelsPerSecond, etaSeconds, elapsedSeconds };
  }

  workers(): WorkerThroughput[] {
    const now = this.now();
    return [...this.tallies.entries()]
      .map(([name, t]) => ({
        name,
        files: t.files,
        megapixels: t.megapixels,
        megapixelsPerSecond: t.megapixels > 0 && now - t.since >= 0.05 ? t.megapixels / (now - t.since) : null,
        current: [...t.current],
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private tally(worker: string): WorkerTally {
    let tally = this.tallies.get(worker);
    if (!tally) {
      tally = { files: 0, megapixels: 0, since: this.now(), current: new Set() };
      this.tallies.set(worker, tally);
    }
    return tally;
  }
}
