import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { appRoot } from '../engine/app-root.ts';
import type { ClientMessage } from '../shared/contract/index.ts';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** One running engine host, whatever started it (child_process.fork here, utilityProcess.fork in src/main). */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: ClientMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  kill(): void;
}

export type EngineSpawner = () => EngineProcess;

export interface ForkSpawnerOptions {
  /** The host's entry file; defaults to the sources' src/engine-host/entry.ts, run through tsx. */
  entry?: string;
  stateDir?: string;
  diagnostics?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Each engine process as it is forked, with its stdout and stderr piped instead of shared (tests read them). */
  onFork?: (child: ChildProcess) => void;
}

// From the checkout's root (app-root.ts), so the CLI bundle forks the same host as the sources do.
export const DEFAULT_ENTRY = path.join(appRoot(), 'src', 'engine-host', 'entry.ts');

/** Starts the engine host with `child_process.fork` (srstudio serve, tests). TypeScript entries run through tsx. */
export function forkSpawner(options: ForkSpawnerOptions = {}): EngineSpawner {
  const entry = options.entry ?? DEFAULT_ENTRY;
  return () => {
    const child = fork(entry, [], {
      // tsx resolved from here, not from the user's working folder (where `--import tsx` would not find it).
      execArgv: entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [],
      env: {
        ...process.env,
        ...options.env,
        ...(options.stateDir ? { SRSTUDIO_HOME: options.stateDir } : {}),
        ...(options.diagnostics ? { SRSTUDIO_DIAGNOSTICS: '1' } : {}),
      },
      serialization: 'json',
      stdio: options.onFork ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    options.onFork?.(child);
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code, signal) => listener({ code, signal })),
      kill: () => child.kill('SIGKILL'),
    };
  };
}
