import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import type { FromSessionWorker, SessionSignature, ToSessionWorker } from './session-worker-protocol.ts';

export interface BatchResult {
  output: Float32Array;
  dims: readonly number[];
  /** The input array, handed back so the caller can fill it again (its buffer was moved to the worker). */
  input: Float32Array;
}

const WORKER_FILE = new URL('./session-worker-boot.mjs', import.meta.url);

/** A worker thread started before any model was known (`prestartInferenceWorker`), waiting for its first session. */
let spare: Worker | undefined;

/**
 * Starts an inference worker thread now, before the model is known, so that its start (a thread, its own Node
 * environment, onnxruntime-node and the runtime's first session) overlaps whatever the caller does next (the CLI loads
 * its modules, opens the store, plans the batch); the first `WorkerSession.open` takes it. It keeps the process alive
 * only until the runtime is loaded (a command that fails at once waits that long, 0.1 s at most, rather than abort in
 * ORT's teardown); idle after that, it keeps no process alive.
 */
export function prestartInferenceWorker(): void {
  if (spare) return;
  const started = new Worker(WORKER_FILE);
  spare = started;
  const onMessage = (message: FromSessionWorker) => {
    if (message.type !== 'warmed') return;
    started.off('message', onMessage);
    if (spare === started) started.unref();
  };
  started.on('message', onMessage);
  // A spare that fails to start is simply not used: the open that would take it starts a fresh one and reports why.
  started.once('error', () => {
    if (spare === started) spare = undefined;
  });
}

function takeWorker(): Worker {
  const worker = spare ?? new Worker(WORKER_FILE);
  spare = undefined;
  worker.ref();
  return worker;
}

interface Pending {
  resolve: (result: BatchResult) => void;
  reject: (error: Error) => void;
  dims: readonly number[];
}

/**
 * An ORT session living in its own worker thread, so that `run` does not block the calling thread (see
 * session-worker-boot.mjs). Runs are queued and answered in order. The worker only keeps the process alive while it
 * is opening or running something: an idle cached worker never stops a CLI from exiting, and a process that
 * is killed or exits takes its worker threads with it.
 */
export class WorkerSession {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: SrError | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly source: string,
    /** The session's inputs and outputs, as ORT reported them when the worker opened it. */
    readonly signature: SessionSignature,
    /** The worker has a narrow session (fewer threads) for `run(…, narrow)`; without one, narrow runs are ordinary ones. */
    readonly hasNarrow: boolean,
  ) {
    worker.on('message', (message: FromSessionWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(`it crashed: ${error.message}`));
    worker.on('exit', (code) => this.fail(`it exited (code ${code})`));
    worker.unref();
  }

  /** Starts a worker and opens the model in it with the given ORT options (the same as the in-thread session's). */
  static async open(
    model: string | Uint8Array,
    options: ort.InferenceSession.SessionOptions,
    source: string,
    narrowThreads?: number,
  ): Promise<WorkerSession> {
    const worker = takeWorker();
    let detach = () => {};
    try {
      const opened = await new Promise<SessionSignature & { narrow: boolean }>((resolve, reject) => {
        const onMessage = (message: FromSessionWorker) => {
          if (message.type === 'opened') resolve(message);
          else if (message.type === 'error')
            reject(new SrError('BAD_MODEL', `${source} could not be opened for inference: ${message.message}`));
        };
        const onError = (error: Error) =>
          reject(new SrError('INTERNAL', `The inference worker for ${source} failed to start: ${error.message}`));
        const onExit = (code: number) =>
          reject(new SrError('INTERNAL', `The inference worker for ${source} exited (code ${code}) while opening it`));
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        // Only our own listeners: removeAllListeners() would also drop the Worker's internal ones.
        detach = () => worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        worker.postMessage({ type: 'open', model, options, narrowThreads } satisfies ToSessionWorker);
      });
      detach();
      const { inputNames, outputNames, inputMetadata, outputMetadata, narrow } = opened;
      return new WorkerSession(worker, source, { inputNames, outputNames, inputMetadata, outputMetadata }, narrow);
    } catch (error) {
      detach();
      await worker.terminate();
      throw error;
    }
  }

  /** False once the worker crashed, exited or was closed: make a new one. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  /**
   * Runs one NCHW float32 batch. `input`'s buffer is transferred to the worker (the array is unusable until
   * the result hands it back as `result.input`). Failures reject with an SrError that keeps ORT's message, so
   * out-of-memory errors can still be recognised. `narrow`: on the worker's narrow session, when it opened one (fewer
   * threads, the same output bytes).
   */
  run(input: Float32Array, dims: readonly number[], narrow = false): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<BatchResult>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject, dims });
      this.worker.postMessage({ type: 'run', id, input, dims: [...dims], narrow } satisfies ToSessionWorker, [input.buffer as ArrayBuffer]);
    });
  }

  /** Stops the worker; runs still pending reject. */
  async close(): Promise<void> {
    this.fail('it was closed');
    await this.worker.terminate();
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return entry;
  }

  private receive(message: FromSessionWorker): void {
    if (message.type === 'result') {
      this.settle(message.id)?.resolve({ output: message.output, dims: message.dims, input: message.input });
    } else if (message.type === 'error' && message.id !== null) {
      const entry = this.settle(message.id);
      entry?.reject(
        new SrError(
          'INTERNAL',
          `ONNX Runtime failed on a ${entry.dims.join('×')} batch of ${this.source}: ${message.message}`,
          'Try a smaller --tile, or --device cpu.',
        ),
      );
    }
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = new SrError('INTERNAL', `The inference worker for ${this.source} stopped: ${reason}`, 'Run the upscale again.');
    for (const entry of this.pending.values()) entry.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}
