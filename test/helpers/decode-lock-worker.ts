import { parentPort, workerData } from 'node:worker_threads';
import { withDecodeLock } from '../../src/engine/imaging/decode-lock.ts';
import { decodeOutcomes, type LabelledBytes, privateTurns, takeTurns } from './decode-lock-turns.ts';

/** What a decode-lock test worker does once told to go (decode-lock-thread.ts starts it). */
export type DecodeLockJob =
  | { type: 'turns'; inside: Int32Array; rounds: number; holdMs: number; privateLock?: boolean }
  | { type: 'hold-forever' }
  | { type: 'decode'; files: LabelledBytes[] };

export type FromDecodeLockWorker =
  | { type: 'ready' }
  | { type: 'holding' }
  | { type: 'overlaps'; overlaps: number }
  | { type: 'outcomes'; outcomes: string[] };

const port = parentPort;
if (!port) throw new Error('decode-lock-worker.ts must run in a worker thread');
const post = (message: FromDecodeLockWorker) => port.postMessage(message);
const job = workerData as DecodeLockJob;

async function run(): Promise<void> {
  if (job.type === 'turns') {
    const turns = job.privateLock ? privateTurns() : undefined;
    post({ type: 'overlaps', overlaps: await takeTurns(job.inside, job.rounds, job.holdMs, turns) });
  } else if (job.type === 'hold-forever') {
    // Takes the process's decode lock and never gives it back: the test terminates this thread while it holds it. The
    // timer keeps the thread alive until then: a pending promise does not, and the lock's heartbeat is unref'd, so the
    // thread could otherwise end by itself (threadId −1) before the test reads which thread holds the lock.
    setInterval(() => {}, 60_000);
    void withDecodeLock(() => {
      post({ type: 'holding' });
      return new Promise<never>(() => {});
    });
  } else {
    post({ type: 'outcomes', outcomes: await decodeOutcomes(job.files) });
  }
}

// Started, modules loaded: the test says when to go, so that both threads start together.
port.once('message', () => void run());
post({ type: 'ready' });
