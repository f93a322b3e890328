import type { Command } from 'commander';
import { DEVICE_NAMES } from '../device-names.ts';
import { addPipelineOptions } from '../pipeline-option.ts';
import type { WorkerCliOptions } from './worker-action.ts';

/** Exit codes: 0 stopped after finishing its files, 2 could not start (bad URL, Redis unreachable), 130/143 stopped at once. */
export function registerWorkerCommand(program: Command): void {
  const command = program
    .command('worker')
    .description('Work for a queue: upscale (and score) the files that `upscale --queue` / `eval --queue` put in Redis, until Ctrl-C')
    .requiredOption('--redis <url>', 'the queue: redis://HOST:PORT, rediss:// for TLS; password in the URL or $SRSTUDIO_REDIS_PASSWORD')
    .option('--concurrency <n>', 'files taken at once (default: 3 with the pipeline, one per stage; 1 with --pipeline off)')
    .option('--device <d>', `${DEVICE_NAMES.join('|')} (default: the batch's, else auto)`)
    .option('--state <dir>', 'state folder; models the worker fetched are cached in <dir>/queue-models')
    .option('--lock-seconds <s>', 'a file of a worker that died goes to another worker after 1-3 times this', '30');
  addPipelineOptions(command)
    // BullMQ, ioredis and the engine load only when the command runs, so `--help` stays fast.
    .action(async (opts: WorkerCliOptions) => {
      // The inference worker thread started with the process (main.ts), beside the loading of BullMQ and the engine;
      // this starts it for a program that did not come through main.ts.
      (await import('../../engine/models/worker-session.ts')).prestartInferenceWorker();
      return (await import('./worker-action.ts')).workerAction(opts);
    });
}
