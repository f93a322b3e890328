import path from 'node:path';
import cliProgress from 'cli-progress';
import type { UpscaleJobEvent } from '../engine/jobs/job-events.ts';
import { formatDuration } from './format-duration.ts';

/**
 * The upscale progress bar on stderr: files done/total, the current file, MP/s and ETA (ours, weighted by
 * megapixels; cli-progress's own ETA would assume all files are the same size). Only for a TTY.
 */
export class UpscaleProgressBar {
  private readonly bar = new cliProgress.SingleBar(
    {
      format: '{bar} {done}/{total} files | {mps} MP/s | ETA {etaText} | {file}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  private started = false;
  /** Queued batches show how many workers are at it where a local batch shows its current file. */
  private workers: string | null = null;

  handle(event: UpscaleJobEvent): void {
    if (event.type === 'job-start') {
      this.bar.start(event.total, 0, { done: 0, mps: '–', etaText: '–', file: '' });
      this.started = true;
    } else if (event.type === 'progress' && this.started) {
      // The bar moves inside a file too (its tiles); the count shows whole files.
      this.bar.update(event.done + event.currentFraction, {
        done: event.done,
        mps: event.megapixelsPerSecond === null ? '–' : event.megapixelsPerSecond.toFixed(2),
        etaText: formatDuration(event.etaSeconds),
        file: this.workers ?? (event.currentInput ? path.basename(event.currentInput) : ''),
      });
    } else if (event.type === 'workers') {
      const busy = event.workers.filter((w) => w.current.length > 0).length;
      this.workers = `${busy} of ${event.workers.length} worker(s) busy`;
    } else if (event.type === 'job-end') {
      this.stop();
    }
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.bar.stop();
  }
}
