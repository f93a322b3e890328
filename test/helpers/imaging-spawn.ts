import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inNobodyCheckout, nobodyCheckout } from './nobody.ts';

const CHILD = fileURLToPath(new URL('./imaging-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildOutcome {
  ok: boolean;
  code?: string;
  message?: string;
  path?: string;
  value?: unknown;
}

export interface ChildOptions {
  /** Run as this uid (NOBODY), from the nobody checkout that uid can open. */
  uid?: number;
  /** Max file size in 512-byte blocks (`ulimit -f`); SIGXFSZ is ignored so writes fail with EFBIG instead. */
  fileSizeBlocks?: number;
}

/** Runs imaging-child.ts in a real child process (optionally as another uid) and parses its JSON outcome. */
export function runImagingChild(args: string[], opts: ChildOptions = {}): ChildOutcome {
  const asOther = opts.uid !== undefined;
  const node = [process.execPath, '--import', 'tsx', asOther ? inNobodyCheckout(CHILD) : CHILD, ...args];
  const command =
    opts.fileSizeBlocks === undefined
      ? node
      : ['/bin/sh', '-c', `ulimit -f ${opts.fileSizeBlocks}; trap '' XFSZ; exec "$@"`, 'sh', ...node];
  const result = spawnSync(command[0], command.slice(1), {
    cwd: asOther ? nobodyCheckout() : REPO,
    encoding: 'utf8',
    timeout: 30_000,
    // tsx keeps its cache under the temp dir; HOME must be somewhere the other uid may write.
    env: { ...process.env, HOME: '/tmp' },
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  if (result.status !== 0 || !result.stdout) {
    throw new Error(`imaging child failed (status ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as ChildOutcome;
}
