import { setTimeout as sleep } from 'node:timers/promises';
import { decodeBuffer } from '../../src/engine/imaging/decode.ts';
import { oneDecodeAtATime } from '../../src/engine/imaging/decode-warnings.ts';
import { THREAD_LOCK_BYTES, withThreadLock } from '../../src/engine/imaging/thread-lock.ts';

/** What decodes take turns through; the threads under test run the same code, only the lock differs. */
export type Turns = <T>(run: () => Promise<T>) => Promise<T>;

/** A lock of this thread's own, as decodes had before the process-wide one: a control that shows overlaps are seen. */
export function privateTurns(): Turns {
  const words = new Int32Array(new SharedArrayBuffer(THREAD_LOCK_BYTES));
  return (run) => withThreadLock(words, run);
}

/**
 * `rounds` turns, all asked for at once, each `holdMs` long (awaited, so the thread is free meanwhile as it is while
 * sharp decodes); `inside[0]` counts the threads in a turn. Returns how many turns found another thread inside.
 */
export async function takeTurns(inside: Int32Array, rounds: number, holdMs: number, turns: Turns = oneDecodeAtATime): Promise<number> {
  let overlaps = 0;
  const turn = async () => {
    if (Atomics.add(inside, 0, 1) !== 0) overlaps += 1;
    await sleep(holdMs);
    Atomics.sub(inside, 0, 1);
  };
  await Promise.all(Array.from({ length: rounds }, () => turns(turn)));
  return overlaps;
}

export interface LabelledBytes {
  label: string;
  bytes: Uint8Array;
}

/** Decodes every file at once, each as "label: decoded" or "label: ERROR_CODE". */
export function decodeOutcomes(files: readonly LabelledBytes[]): Promise<string[]> {
  return Promise.all(
    files.map(({ label, bytes }) =>
      decodeBuffer(bytes, label).then(
        () => `${label}: decoded`,
        (error: unknown) => `${label}: ${(error as { code?: string }).code}`,
      ),
    ),
  );
}
