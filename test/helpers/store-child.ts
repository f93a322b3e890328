import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inNobodyCheckout, nobodyCheckout } from './nobody.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts a TypeScript script as a real Node process (through tsx), with stdout lines delivered as they come.
 * `user` runs it as another uid/gid (we are root here, so that is how a test gets a real permission error), from the
 * nobody checkout that uid can open.
 */
export function spawnTsScript(
  scriptPath: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  user?: { uid: number; gid: number },
): ChildProcess & { lines: string[] } {
  const script = user === undefined ? scriptPath : inNobodyCheckout(scriptPath);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: user === undefined ? repoRoot : nobodyCheckout(),
    env: { ...process.env, ...env },
    ...user,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { lines: string[] };
  child.lines = [];
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    child.lines.push(...parts);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => process.stderr.write(`[child ${path.basename(scriptPath)}] ${chunk}`));
  return child;
}

/** Resolves when `predicate` holds for some stdout line; rejects on exit or timeout. */
export function waitForLine(
  child: ChildProcess & { lines: string[] },
  predicate: (line: string) => boolean,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const hit = child.lines.find(predicate);
      if (hit !== undefined) {
        clearInterval(timer);
        resolve(hit);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(timer);
        reject(
          new Error(
            `child exited (${child.exitCode ?? child.signalCode}) before the expected line; got: ${child.lines.slice(-5).join(' | ')}`,
          ),
        );
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for a line; got: ${child.lines.slice(-5).join(' | ')}`));
      }
    }, 10);
  });
}

/** SIGKILL (kill -9) and wait until the process is really gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

export function waitForExit(child: ChildProcess, timeoutMs = 60_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not exit in time')), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
