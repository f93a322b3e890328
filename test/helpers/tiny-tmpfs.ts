import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A command prefix that runs a child with a tiny tmpfs (1 MiB) mounted over `dir`, in a private mount namespace: the
 * file system exists only for that child and vanishes with it, so the test sees a real ENOSPC. A user who is not root
 * gets the right to mount there from a user namespace of its own.
 */
export function inTinyTmpfs(dir: string, size = '1m'): string[] {
  return [
    'unshare',
    ...(process.getuid?.() === 0 ? [] : ['--user', '--map-root-user']),
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    `mount -t tmpfs -o size=${size} tmpfs '${dir}' && exec "$@"`,
    'sh',
  ];
}

/** Why a tiny tmpfs cannot be mounted here (no unshare, no user namespaces, a container without CAP_SYS_ADMIN), or undefined. */
function whyNoTmpfs(): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-tmpfs-probe-'));
  try {
    const [command, ...args] = inTinyTmpfs(dir);
    const probe = spawnSync(command, [...args, 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.error) return probe.error.message;
    return probe.status === 0 ? undefined : (probe.stderr.trim().split('\n')[0] ?? `exit ${probe.status}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const reason = whyNoTmpfs();
export const tmpfsUnavailable = reason !== undefined;
/** Appended to a test's title, so a skip says why where the summary lists it. */
export const tmpfsSkipNote = reason === undefined ? '' : ` (skipped: cannot mount a tmpfs for a real full disk here: ${reason})`;
