import type { TrainEvent } from '../../engine/training/events.ts';
import type { EventPayload } from '../../shared/contract/index.ts';
import type { Emit } from './job-queue.ts';
import { writeValidationSample } from './validation-sample.ts';

type MetricsEvent = EventPayload<'training.metrics'>;

/**
 * Turns the trainer's events into `training.metrics` events a UI can keep up with. Loss points are coalesced: at
 * most one per `intervalMs` (leading and trailing edge, the latest wins), so a fast run cannot flood the UI; the
 * full curve stays in the store for `training.metrics` requests. Validation points are never dropped: they are rare
 * and each one is a point on the PSNR chart, so they are sent at once, merged with the latest loss.
 */
export class TrainingMetricsStream {
  private pending: MetricsEvent | undefined;
  private latest: MetricsEvent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;

  constructor(
    private readonly runId: number,
    private readonly jobId: number,
    private readonly emit: Emit,
    /** Where validation samples go (validation-sample.ts). */
    private readonly sampleFolder: string,
    private readonly intervalMs = 250,
  ) {}

  private samples: Promise<void> = Promise.resolve();

  onTrainEvent(event: TrainEvent): void {
    if (event.type === 'step') {
      const remaining = event.totalSteps - event.step;
      const etaSeconds = event.samplesPerSecond > 0 ? (remaining * event.batch) / event.samplesPerSecond : null;
      this.latest = {
        runId: String(this.runId),
        step: event.step,
        totalSteps: event.totalSteps,
        loss: event.loss,
        psnr: null,
        learningRate: event.lr,
        samplesPerSecond: event.samplesPerSecond,
        etaSeconds,
      };
      this.emit('job.progress', {
        jobId: String(this.jobId),
        kind: 'training',
        done: event.step,
        total: event.totalSteps,
        etaSeconds,
        message: `step ${event.step}/${event.totalSteps}, loss ${event.loss.toExponential(3)}`,
      });
      this.pending = this.latest;
      this.schedule();
      return;
    }
    if (event.type === 'validation') {
      const base = this.latest;
      this.pending = undefined;
      const point: MetricsEvent = {
        runId: String(this.runId),
        step: event.step,
        totalSteps: base?.totalSteps,
        loss: base?.loss ?? Number.NaN,
        learningRate: base?.learningRate ?? 0,
        samplesPerSecond: base?.samplesPerSecond ?? 0,
        etaSeconds: base?.etaSeconds ?? null,
        psnr: event.psnr,
        ssim: event.ssim,
        bicubicPsnr: event.bicubic.psnr,
        bicubicSsim: event.bicubic.ssim,
      };
      if (!event.sample) {
        this.send(point);
        return;
      }
      // The point waits for its sample's PNGs (a few ms); samples are written one after another, in step order.
      const sample = event.sample;
      this.samples = this.samples.then(() =>
        writeValidationSample(this.sampleFolder, event.step, sample).then(
          (ref) => this.send({ ...point, sample: ref }),
          (error: unknown) => {
            this.send(point);
            this.emit('log', {
              level: 'warn',
              source: `training run ${this.runId}`,
              message: `Could not write the validation sample: ${error instanceof Error ? error.message : String(error)}`.slice(0, 4000),
              at: new Date().toISOString(),
            });
          },
        ),
      );
      return;
    }
    if (event.type === 'notice') {
      this.emit('log', {
        level: event.level ?? 'info',
        source: `training run ${this.runId}`,
        message: event.message.slice(0, 4000),
        at: new Date().toISOString(),
      });
    }
  }

  /** Resolves once every validation point (with its sample) has been sent. */
  async settled(): Promise<void> {
    await this.samples;
    this.flush();
  }

  /** Sends what is still pending (the last loss point before the run stops). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) this.send(this.pending);
    this.pending = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = this.lastSent + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private send(point: MetricsEvent): void {
    this.lastSent = Date.now();
    // JSON has no NaN: a validation before the first loss report carries loss 0 rather than an invalid event.
    this.emit('training.metrics', Number.isFinite(point.loss) ? point : { ...point, loss: 0 });
  }
}
