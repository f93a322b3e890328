import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { inNobodyCheckout } from './nobody.ts';

const BIN = fileURLToPath(new URL('../../bin/srstudio.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Run as this uid/gid (NOBODY), for permission tests that root cannot fake; the CLI then runs from the nobody checkout. */
  uid?: number;
  env?: NodeJS.ProcessEnv;
  /** Run the CLI through this wrapper command (e.g. `unshare ... sh -c`), which gets node, the CLI and args appended. */
  wrapper?: string[];
}

/** Starts the real CLI (`node bin/srstudio.js ...args`) as a child process. */
export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const bin = options.uid !== undefined ? inNobodyCheckout(BIN) : BIN;
  const command = [...(options.wrapper ?? []), process.execPath, bin, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd: path.dirname(path.dirname(bin)),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

export interface JournalState {
  job: { id: number; status: string } | undefined;
  items: { input: string; output: string | null; status: string }[];
}

/** Reads the newest job and its items straight from the state folder's database, read-only. */
export function readJournal(stateDir: string): JournalState {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(stateDir, 'srstudio.db'), { readonly: true, fileMustExist: true });
    const job = db.prepare('SELECT id, status FROM jobs ORDER BY id DESC LIMIT 1').get() as { id: number; status: string } | undefined;
    const items = job
      ? (db.prepare('SELECT input, output, status FROM job_items WHERE job_id = ? ORDER BY seq').all(job.id) as JournalState['items'])
      : [];
    return { job, items };
  } catch {
    // Not created yet, or mid-migration: the caller polls again.
    return { job: undefined, items: [] };
  } finally {
    db?.close();
  }
}

/** Polls the journal until `ready` holds (never a fixed sleep), or fails after `timeoutMs`. */
export async function waitForJournal(stateDir: string, ready: (state: JournalState) => boolean, timeoutMs = 30_000): Promise<JournalState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = readJournal(stateDir);
    if (ready(state)) return state;
    if (Date.now() > deadline) throw new Error(`journal in ${stateDir} did not reach the expected state: ${JSON.stringify(state.job)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The newest batch's stored request, read from the journal as the engine wrote it. */
export function newestJobRequest(stateDir: string): Record<string, unknown> {
  const db = new Database(path.join(stateDir, 'srstudio.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT params FROM jobs WHERE kind = 'upscale' ORDER BY id DESC LIMIT 1").get() as { params: string };
    return (JSON.parse(row.params) as { request: Record<string, unknown> }).request;
  } finally {
    db.close();
  }
}
