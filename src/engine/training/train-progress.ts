/**
 * Loss and throughput maths of the loop: means over each logging interval, reported as store metrics and a
 * 'step' event, and the session's overall samples per second.
 */
import type { PrefetchStats } from './prefetcher.ts';
import type { RunContext } from './run-context.ts';

export class TrainProgress {
  private intervalMs = 0;
  private intervalLoss = 0;
  private intervalSteps = 0;
  // Throughput counts the train steps only (data wait included), not validation or checkpoint writes.
  private trainMs = 0;

  constructor(private readonly run: RunContext) {}

  /** Counts one finished train step: its time (data wait included) and its loss. */
  addStep(stepMs: number, loss: number): void {
    this.trainMs += stepMs;
    this.intervalMs += stepMs;
    this.intervalLoss += loss;
    this.intervalSteps += 1;
  }

  /** Reports the interval that ends at `step` (its mean loss and rate) and starts the next one. */
  report(step: number, lr: number, data: PrefetchStats): void {
    const { runId, runs, config, emit } = this.run;
    const samplesPerSecond = (this.intervalSteps * config.batch) / Math.max(1e-9, this.intervalMs / 1000);
    const meanLoss = this.intervalLoss / this.intervalSteps;
    runs.addMetrics(runId, [
      { step, kind: 'train', name: 'loss', value: meanLoss },
      { step, kind: 'train', name: 'lr', value: lr },
      { step, kind: 'train', name: 'samples_per_second', value: samplesPerSecond },
      { step, kind: 'train', name: 'data_waits', value: data.waits },
    ]);
    emit({
      type: 'step',
      run: runId,
      step,
      totalSteps: config.steps,
      batch: config.batch,
      loss: meanLoss,
      lr,
      samplesPerSecond,
      data: { ...data },
    });
    this.intervalMs = 0;
    this.intervalLoss = 0;
    this.intervalSteps = 0;
  }

  /** Samples per second over this session's `steps` train steps. */
  samplesPerSecond(steps: number): number {
    return (steps * this.run.config.batch) / Math.max(1e-9, this.trainMs / 1000);
  }
}
