import { Worker } from 'node:worker_threads';
import type { DecodeLockJob, FromDecodeLockWorker } from './decode-lock-worker.ts';

export interface LockWorker {
  worker: Worker;
  /** Tells the worker to start its job. */
  go(): void;
  /** The worker's next message of this type. */
  next<T extends FromDecodeLockWorker['type']>(type: T): Promise<Extract<FromDecodeLockWorker, { type: T }>>;
}

/** A real worker thread running decode-lock-worker.ts, started (its modules loaded) and waiting for go(). */
export async function startLockWorker(job: DecodeLockJob): Promise<LockWorker> {
  const worker = new Worker(new URL('./decode-lock-worker-boot.mjs', import.meta.url), { workerData: job });
  const next = <T extends FromDecodeLockWorker['type']>(type: T) =>
    new Promise<Extract<FromDecodeLockWorker, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromDecodeLockWorker) => {
        if (message.type !== type) return;
        worker.off('message', onMessage).off('error', reject);
        resolve(message as Extract<FromDecodeLockWorker, { type: T }>);
      };
      worker.on('message', onMessage).on('error', reject);
    });
  await next('ready');
  return { worker, go: () => worker.postMessage('go'), next };
}
