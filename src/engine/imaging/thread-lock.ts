import { threadId } from 'node:worker_threads';

/*
 * A lock between the threads of one process, in shared memory: every thread holding an Int32Array over the same
 * SharedArrayBuffer takes turns. Word 0 is 0 when the lock is free, else its holder's threadId + 1 (the main thread's
 * is 0). Word 1 is the holder's heartbeat, counted up when it takes the lock and every BEAT_MS while it holds it.
 *
 * A worker thread can be terminated while it holds the lock, and then nobody would ever give it back. So a waiter that
 * sees the same holder and no beat for `staleMs` takes the lock over. That is safe enough: a holder is silent that long
 * only when its thread is gone or stuck for seconds (its timers run while sharp works off the thread), and the worst a
 * wrong takeover does is let two decodes overlap, i.e. the old warning mixing (decode-warnings.ts), never a hang. The
 * heartbeat, rather than a limit on the hold itself, lets a live holder decode a 100-megapixel photo for as long as it
 * takes while a dead one is replaced within seconds.
 */

/** The size of the SharedArrayBuffer a lock needs. */
export const THREAD_LOCK_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

/** How long a holder may be silent before a waiter takes the lock over. */
export const DEFAULT_STALE_MS = 5_000;

const HOLDER = 0;
const BEAT = 1;
const BEAT_MS = 250;

type WaitResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/** Atomics.waitAsync (Node ≥ 16): TypeScript declares it from lib ES2024 on, and this project compiles against ES2023. */
const atomics = Atomics as unknown as { waitAsync(words: Int32Array, index: number, value: number, timeoutMs: number): WaitResult };

/** Runs `run` holding the lock over `words` (THREAD_LOCK_BYTES of a SharedArrayBuffer), waiting its turn first. */
export async function withThreadLock<T>(words: Int32Array, run: () => Promise<T>, staleMs = DEFAULT_STALE_MS): Promise<T> {
  const release = await acquire(words, staleMs);
  try {
    return await run();
  } finally {
    release();
  }
}

async function acquire(words: Int32Array, staleMs: number): Promise<() => void> {
  const me = threadId + 1;
  for (;;) {
    const holder = Atomics.compareExchange(words, HOLDER, 0, me);
    if (holder === 0) break;
    const beat = Atomics.load(words, BEAT);
    const outcome = await waitWhileHeld(words, holder, staleMs);
    // The same holder, silent all along: gone or stuck, so take its place (see above for why that is safe enough).
    if (outcome === 'timed-out' && Atomics.load(words, BEAT) === beat && Atomics.compareExchange(words, HOLDER, holder, me) === holder) {
      break;
    }
  }
  return hold(words, me);
}

/** Waits until `holder` lets go (or another takes its place), for `ms` at most, without blocking the event loop. */
async function waitWhileHeld(words: Int32Array, holder: number, ms: number): Promise<'ok' | 'not-equal' | 'timed-out'> {
  const wait = atomics.waitAsync(words, HOLDER, holder, ms);
  if (!wait.async) return wait.value;
  // A pending waitAsync does not keep Node alive (on Node 20 the process just exits), so a timer does meanwhile.
  const keepAlive = setTimeout(() => {}, ms + 1_000);
  try {
    return await wait.value;
  } finally {
    clearTimeout(keepAlive);
  }
}

function hold(words: Int32Array, me: number): () => void {
  Atomics.add(words, BEAT, 1);
  // Unref'd: the work done under the lock keeps the thread alive, the heartbeat must not.
  const beating = setInterval(() => Atomics.add(words, BEAT, 1), BEAT_MS).unref();
  return () => {
    clearInterval(beating);
    // Only while still ours: a waiter that took over must not lose the lock to this late release.
    if (Atomics.compareExchange(words, HOLDER, me, 0) === me) Atomics.notify(words, HOLDER);
  };
}
