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

transport.onDisconnect(() => {
  // The parent is gone: stop work and exit instead of lingering as an orphan.
  host.stop();
  process.exit(0);
});
