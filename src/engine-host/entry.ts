import { resolveStateDir } from '../engine/store/state-dir.ts';
import { handlers } from './handlers/index.ts';
import { EngineHost } from './host.ts';
import { recoverInterruptedJobs } from './jobs/recover.ts';
import { EngineServices } from './services.ts';
import { processTransport } from './transport.ts';

/**
 * The engine host's entry point, for `child_process.fork` (serve, tests) and Electron's `utilityProcess.fork`.
 * The state folder comes from SRSTUDIO_HOME (set by the supervisor) like everywhere else.
 */
const transport = processTransport();
const services = new EngineServices(resolveStateDir());
const host = new EngineHost({ transport, handlers, services, diagnostics: process.env.SRSTUDIO_DIAGNOSTICS === '1' });
host.start();

try {
  const interrupted = recoverInterruptedJobs(services);
  if (interrupted > 0)
    console.error(`engine-host: marked ${interrupted} job(s) or import(s) left running by a stopped engine as interrupted`);
} catch (error) {
  // A broken store must not keep the engine from answering: requests that need the store report the error themselves.
  console.error(`engine-host: could not check for interrupted jobs: ${error instanceof Error ? error.message : String(error)}`);
}

/** How long the work in hand may take to stop once the parent is gone: a tile batch or a training step, normally. */
const STOP_GRACE_MS = 10_000;

transport.onDisconnect(() => {
  // The parent is gone: stop the work, then exit instead of lingering as an orphan. Not at once: a process that exits
  // while ONNX Runtime is inside a run or an opening in a worker thread aborts ("terminate called after throwing an
  // instance of 'Napi::Error'", SIGABRT), and a job stopped first records itself as interrupted. Should the work not
  // stop in time, the process ends by a signal, which tears nothing down (the next engine marks the job interrupted).
  const giveUp = setTimeout(() => process.kill(process.pid, 'SIGKILL'), STOP_GRACE_MS);
  void host.stop().finally(() => {
    clearTimeout(giveUp);
    process.exit(0);
  });
});
