import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBuffer } from '../../../src/engine/imaging/decode.ts';
import { setDecodeLockStaleMs, shareDecodeLock } from '../../../src/engine/imaging/decode-lock.ts';
import { DEFAULT_STALE_MS } from '../../../src/engine/imaging/thread-lock.ts';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { startLockWorker } from '../../helpers/decode-lock-thread.ts';
import { privateTurns, takeTurns } from '../../helpers/decode-lock-turns.ts';

// Decodes take turns across worker threads, not only within one (decode-warnings.ts): a real worker thread and this
// thread contend for the decode lock that the worker inherited from this one.

const fixture = useBadFiles('srs-decode-lock-');

afterEach(() => {
  setDecodeLockStaleMs(DEFAULT_STALE_MS);
});

/** This thread and a worker thread each take `rounds` turns at once; the overlaps each of them saw. */
async function contend(rounds: number, holdMs: number, privateLock: boolean): Promise<{ here: number; worker: number }> {
  const inside = new Int32Array(new SharedArrayBuffer(4));
  const thread = await startLockWorker({ type: 'turns', inside, rounds, holdMs, privateLock });
  try {
    const done = thread.next('overlaps');
    thread.go();
    const here = await takeTurns(inside, rounds, holdMs, privateLock ? privateTurns() : undefined);
    return { here, worker: (await done).overlaps };
  } finally {
    await thread.worker.terminate();
  }
}

describe('the decode lock across worker threads', () => {
  it('a worker thread and this thread are never inside at the same time', async () => {
    expect(await contend(20, 10, false)).toEqual({ here: 0, worker: 0 });
  });

  it('while with a lock of each thread its own (as before) they overlap, so overlaps would be seen', async () => {
    const { here, worker } = await contend(20, 10, true);
    expect(here + worker).toBeGreaterThan(0);
  });

  it('a live holder is waited for though it holds the lock longer than the takeover time', async () => {
    // The holder's heartbeat tells the waiter it is alive: 3 s held against a 1 s takeover, and still no overlap.
    setDecodeLockStaleMs(1_000);
    const inside = new Int32Array(new SharedArrayBuffer(4));
    const thread = await startLockWorker({ type: 'turns', inside, rounds: 1, holdMs: 3_000 });
    try {
      const done = thread.next('overlaps');
      thread.go();
      while (Atomics.load(inside, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const started = performance.now();
      expect(await takeTurns(inside, 1, 1)).toBe(0);
      expect(performance.now() - started).toBeGreaterThan(2_000);
      expect((await done).overlaps).toBe(0);
    } finally {
      await thread.worker.terminate();
    }
  });

  it('a worker terminated while holding the lock does not stop the next decode: it goes on after the takeover time', async () => {
    const thread = await startLockWorker({ type: 'hold-forever' });
    const holding = thread.next('holding');
    thread.go();
    await holding;
    // The worker's lock is this thread's: it holds the very word this thread reads.
    expect(Atomics.load(shareDecodeLock(), 0)).toBe(thread.worker.threadId + 1);
    await thread.worker.terminate();
    setDecodeLockStaleMs(300);
    const started = performance.now();
    const photo = await decodeBuffer(readFileSync(fixture.files.strayBytesJpeg), 'after the dead holder');
    expect(photo.image.width).toBe(64);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    // Given back, not left with the dead thread's id: the decode after it does not wait.
    expect(Atomics.load(shareDecodeLock(), 0)).toBe(0);
    const again = performance.now();
    await decodeBuffer(readFileSync(fixture.files.strayBytesJpeg), 'the next one');
    expect(performance.now() - again).toBeLessThan(250);
  });
});
