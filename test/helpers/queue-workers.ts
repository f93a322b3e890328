/**
 * `srstudio worker` child processes for queue tests: each logs one line per event on stderr (upscaling X, wrote Y,
 * failed Z), which tests wait on (never on fixed sleeps). `stopAll` ends whatever a test left running.
 */
import type { ChildProcess } from 'node:child_process';
import { type CliResult, startCli } from './jobs-cli.ts';

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Everything it wrote on stderr so far. */
  log(): string;
  /** Resolves with the first match of `pattern` in its log (now or later); rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const running = new Set<WorkerProcess>();

export function startWorkerProcess(
  url: string,
  options: { stateDir: string; lockSeconds?: number; env?: NodeJS.ProcessEnv; extraArgs?: string[]; wrapper?: string[] },
): WorkerProcess {
  const args = [
    'worker',
    '--redis',
    url,
    '--state',
    options.stateDir,
    '--lock-seconds',
    String(options.lockSeconds ?? 2),
    ...(options.extraArgs ?? []),
  ];
  // One ORT thread each: two workers share this 2-core machine as two machines would not have to.
  const { child, done } = startCli(args, { env: { SRSTUDIO_THREADS: '1', ...options.env }, wrapper: options.wrapper });
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const check of waiters) check();
  });
  const worker: WorkerProcess = {
    child,
    done,
    log: () => stderr,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stderr);
          if (!match) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`worker log never matched ${pattern} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        void done.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`worker exited before its log matched ${pattern}:\n${stderr}`));
        });
        check();
      });
    },
  };
  running.add(worker);
  void done.finally(() => running.delete(worker));
  return worker;
}

/** Stops every worker still running (SIGKILL: a test that gets here has already checked what it wanted). */
export async function stopAllWorkers(): Promise<void> {
  const left = [...running];
  for (const worker of left) worker.child.kill('SIGKILL');
  await Promise.all(left.map((w) => w.done.catch(() => undefined)));
}

/** `text` as a literal inside a RegExp, for matching paths in worker logs. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
