import { SrError } from '../../engine/errors.ts';
import { DEVICES, type Device } from '../../engine/models/execution-providers.ts';
import { parseRedisUrl } from '../../engine/queue/redis-target.ts';
import { defaultConcurrency, startWorker } from '../../engine/queue/worker/run-worker.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { parsePositive } from '../parse-number.ts';
import { pipelineChoice } from '../pipeline-option.ts';

export interface WorkerCliOptions {
  redis: string;
  concurrency?: string;
  pipeline: string;
  threads: string;
  device?: string;
  state?: string;
  lockSeconds: string;
}

/**
 * `srstudio worker`: serves the queue until a signal. First Ctrl-C (or SIGTERM): take no new file, finish the current
 * ones, exit 0. Second: hand the current files back to the queue at once (nothing half-written stays behind: outputs
 * appear only by an atomic rename) and exit 130 (143 for SIGTERM).
 */
export async function workerAction(opts: WorkerCliOptions): Promise<void> {
  const target = parseRedisUrl(opts.redis, '--redis');
  const pipeline = await pipelineChoice(opts);
  const concurrency =
    opts.concurrency === undefined ? defaultConcurrency(pipeline) : parsePositive(opts.concurrency, '--concurrency', { integer: true });
  const lockSeconds = parsePositive(opts.lockSeconds, '--lock-seconds', { integer: false });
  if (opts.device !== undefined && !(DEVICES as readonly string[]).includes(opts.device)) {
    throw new SrError('BAD_ARGUMENT', `Unknown --device "${opts.device}"`, `Use ${DEVICES.join(', ')}.`);
  }
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  };
  // The handlers go in before the worker starts: it can take up a file before startWorker resolves, and a Ctrl-C
  // then must not meet Node's default handler (exit at once, no hand-back). A signal that comes that early is acted
  // on as soon as the worker exists.
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  /** What the signals so far ask of the worker: the first, finish; any later one, hand back. */
  let pending: 'finish' | 'hand-back' | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    if (pending === undefined) {
      log(`${name}: finishing the current file(s), taking no new one`);
      pending = 'finish';
    } else {
      log(`${name} again: handing the current file(s) back to the queue`);
      process.exitCode = name === 'SIGTERM' ? 143 : 130;
      pending = 'hand-back';
    }
    if (worker) void worker.stop(pending);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    worker = await startWorker({
      target,
      concurrency,
      pipeline,
      device: opts.device as Device | undefined,
      stateDir: resolveStateDir(opts.state),
      lockSeconds,
      log,
    });
    log(
      `worker ${worker.name} serving ${target.display} (${concurrency} at a time); Ctrl-C finishes the current file, twice stops at once`,
    );
    if (pending) void worker.stop(pending);
    await worker.closed;
    log(`worker ${worker.name} stopped`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
