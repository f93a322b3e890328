import { getEnvironmentData, isMainThread, setEnvironmentData } from 'node:worker_threads';
import { DEFAULT_STALE_MS, THREAD_LOCK_BYTES, withThreadLock } from './thread-lock.ts';

/*
 * The one decode lock of the process, shared with worker threads through environment data: what a thread sets there
 * is cloned into every Worker it starts afterwards (and on into the workers those start), and a SharedArrayBuffer is
 * shared by that clone, not copied (checked on Node 20.20). The main thread makes the lock when this module loads; code
 * that starts a worker that decodes calls shareDecodeLock() first, which also makes sure this module has loaded there.
 *
 * A worker that finds none was started by a main thread that never loaded the decoder, so nothing decodes there; it
 * makes its own and hands it on to its own workers, which is right as long as that worker and its workers are the only
 * threads that decode. (Making it in a worker can never reach the main thread or a sibling: environment data only flows
 * down.)
 */

const KEY = 'srstudio:decode-lock';

let words: Int32Array | undefined;
let staleMs = DEFAULT_STALE_MS;

/** This process's decode lock; the first call in a thread that has none makes one for it and for its future workers. */
export function shareDecodeLock(): Int32Array {
  if (words) return words;
  const inherited = getEnvironmentData(KEY);
  if (inherited instanceof SharedArrayBuffer) {
    words = new Int32Array(inherited);
  } else {
    const own = new SharedArrayBuffer(THREAD_LOCK_BYTES);
    setEnvironmentData(KEY, own);
    words = new Int32Array(own);
  }
  return words;
}

// Now, not at the first decode: the main thread may start a worker that decodes before it decodes anything itself.
if (isMainThread) shareDecodeLock();

/** Runs `decode` once no other thread of the process is decoding. */
export function withDecodeLock<T>(decode: () => Promise<T>): Promise<T> {
  return withThreadLock(shareDecodeLock(), decode, staleMs);
}

/** For tests: how long a silent holder keeps the lock before a waiter takes it over (thread-lock.ts). Returns the old value. */
export function setDecodeLockStaleMs(ms: number): number {
  const old = staleMs;
  staleMs = ms;
  return old;
}
