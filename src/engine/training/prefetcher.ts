import { Worker } from 'node:worker_threads';
import { type ErrorCode, SrError } from '../errors.ts';
import { shareDecodeLock } from '../imaging/decode-lock.ts';
import type { Batch } from './patch-sampler.ts';
import type { FromWorker, PrefetchInit, SerializedError } from './prefetch-protocol.ts';

export interface PrefetchStats {
  /** Batches handed to the loop. */
  batches: number;
  /** Of those, how many were not ready when the loop asked (the first batch is counted apart, as warm-up). */
  waits: number;
  /** Total time the loop spent waiting for data after the first batch, in ms. */
  waitMs: number;
  /** Time to the first batch (image loading included), in ms. */
  warmupMs: number;
}

/** Batches requested ahead of the one being trained on, unless a run asks for another depth. */
export const DEFAULT_PREFETCH_DEPTH = 3;

export interface PrefetchOptions extends Omit<PrefetchInit, 'type'> {
  /** Batches requested ahead of the one being trained on (default DEFAULT_PREFETCH_DEPTH). */
  depth?: number;
  onLoading?: (done: number, total: number) => void;
  /** A training image the decoder rejected; it is left out of the run. */
  onSkipped?: (path: string, reason: string) => void;
}

interface Pending {
  resolve: (batch: Batch) => void;
  reject: (error: Error) => void;
  promise: Promise<Batch>;
  ready: boolean;
}

function revive(error: SerializedError): SrError {
  return new SrError(error.code as ErrorCode, error.message, error.hint, error.path);
}

/**
 * Keeps `depth` batches in flight in a worker thread so the ORT step never waits for sampling, and measures
 * whether it does. Steps must be taken in increasing order.
 */
export class BatchPrefetcher {
  private readonly pending = new Map<number, Pending>();
  private requestedUpTo = -1;
  private failure: SrError | undefined;
  private first = true;
  readonly stats: PrefetchStats = { batches: 0, waits: 0, waitMs: 0, warmupMs: 0 };

  private constructor(
    private readonly worker: Worker,
    private readonly depth: number,
    readonly images: number,
    readonly positions: number,
    /** Training photos above the per-photo budget, and that budget: each of them trains on a window of it. */
    readonly cropped: { photos: number; windowPixels: number },
    /** JPEG photos shrunk first to make cleaner targets (real-photo degradation only). */
    readonly shrunk: number,
    /** Photos read but smaller than one patch: they give none. */
    readonly withoutPatches: number,
  ) {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'batch') {
        const entry = this.pending.get(message.step);
        if (!entry) return;
        entry.ready = true;
        entry.resolve({ step: message.step, x: message.x, target: message.target });
      } else if (message.type === 'error') {
        this.fail(revive(message.error));
      }
    });
    worker.on('error', (error) => this.fail(new SrError('INTERNAL', `The data worker crashed: ${error.message}`)));
  }

  /** Starts the worker and waits until every image is decoded and cached. */
  static async start(options: PrefetchOptions): Promise<BatchPrefetcher> {
    const { depth = DEFAULT_PREFETCH_DEPTH, onLoading, onSkipped, ...init } = options;
    // The worker decodes: it must take turns with this thread's decodes, so it gets the lock before it starts.
    shareDecodeLock();
    const worker = new Worker(new URL('./prefetch-worker-boot.mjs', import.meta.url));
    let detach = () => {};
    try {
      const ready = await new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
        const onMessage = (message: FromWorker) => {
          if (message.type === 'loading') onLoading?.(message.done, message.total);
          else if (message.type === 'skipped') onSkipped?.(message.path, message.reason);
          else if (message.type === 'ready') resolve(message);
          else if (message.type === 'error') reject(revive(message.error));
        };
        const onExit = (code: number) => reject(new SrError('INTERNAL', `The data worker exited (code ${code}) before loading the images`));
        worker.on('message', onMessage).on('error', reject).on('exit', onExit);
        // Only our own listeners: removeAllListeners() would also drop the Worker's internal ones and stop delivery.
        detach = () => worker.off('message', onMessage).off('error', reject).off('exit', onExit);
        worker.postMessage({ type: 'init', ...init } satisfies PrefetchInit);
      });
      detach();
      return new BatchPrefetcher(
        worker,
        depth,
        ready.images,
        ready.positions,
        {
          photos: ready.cropped,
          windowPixels: ready.windowPixels,
        },
        ready.shrunk,
        ready.withoutPatches,
      );
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  private fail(error: SrError): void {
    this.failure = error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }

  private request(step: number): void {
    let resolve!: (batch: Batch) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Batch>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A rejection nobody awaits yet (a batch requested ahead) must not crash the process.
    promise.catch(() => {});
    this.pending.set(step, { resolve, reject, promise, ready: false });
    this.worker.postMessage({ type: 'batch', step });
  }

  /** The batch for `step`; also asks for the next `depth` ones. */
  async take(step: number): Promise<Batch> {
    if (this.failure) throw this.failure;
    if (step > this.requestedUpTo) {
      // A jump (e.g. the first call after a resume): drop stale requests and restart the pipeline at `step`.
      this.pending.clear();
      this.requestedUpTo = step - 1;
    }
    for (let s = Math.max(step, this.requestedUpTo + 1); s <= step + this.depth; s++) this.request(s);
    this.requestedUpTo = step + this.depth;
    const entry = this.pending.get(step);
    if (!entry) throw new SrError('INTERNAL', `Batch ${step} was requested out of order`);
    const started = performance.now();
    const wasReady = entry.ready;
    const batch = await entry.promise;
    this.pending.delete(step);
    const waited = performance.now() - started;
    if (this.first) {
      this.stats.warmupMs = waited;
      this.first = false;
    } else if (!wasReady) {
      this.stats.waits += 1;
      this.stats.waitMs += waited;
    }
    this.stats.batches += 1;
    return batch;
  }

  async close(): Promise<void> {
    this.pending.clear();
    await this.worker.terminate();
  }
}
