import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real full disk for one child process: a tiny tmpfs mounted over a folder in a mount namespace of the child's own,
 * so the file system exists only for that child (its writes there meet a real ENOSPC) and vanishes with it, while
 * every other process sees the folder as it is. A user who is not root gets the right to mount there from a user
 * namespace of its own; containers that forbid both are told apart once, here, and the tests that need it skip.
 */
function unshareArgs(): string[] {
  return ['unshare', ...(process.getuid?.() === 0 ? [] : ['--user', '--map-root-user']), '--mount', '--propagation', 'private'];
}

/**
 * The `wrapper` for startCli/runCli (test/helpers/jobs-cli.ts): mounts a `size` tmpfs (e.g. '1m', '64k') over `dir`,
 * then execs the CLI, so the child's pid is the CLI's own (signals reach it, and /proc/PID/root shows its view).
 */
export function withFullDisk(dir: string, size: string): string[] {
  return [...unshareArgs(), 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs '${dir}' && exec "$@"`, 'sh'];
}

/** Why a private tmpfs cannot be mounted here, or undefined when it can (tried once, for real). */
export const fullDiskUnavailable: string | undefined = probe();

/** Appended to a disk-full test's title, so a skip says why. */
export const fullDiskSkipNote = fullDiskUnavailable === undefined ? '' : ` (skipped: ${fullDiskUnavailable})`;

function probe(): string | undefined {
  if (process.platform !== 'linux') return `mount namespaces are Linux-only (this is ${process.platform})`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-tmpfs-probe-'));
  try {
    const [command, ...args] = withFullDisk(dir, '64k');
    const result = spawnSync(command, [...args, 'sh', '-c', 'head -c 131072 /dev/zero > "$0/fill"', dir], { encoding: 'utf8' });
    if (result.error) return `cannot run unshare: ${result.error.message}`;
    // The write must fail for lack of space inside, and leave the real folder untouched outside.
    if (result.status === 0) return 'a 64 KiB tmpfs took 128 KiB: the mount did not happen';
    if (!/No space left on device/.test(result.stderr)) return `unshare/mount failed: ${result.stderr.trim().split('\n')[0]}`;
    if (fs.readdirSync(dir).length > 0) return 'the tmpfs was not private to the child';
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What `pid` sees in `dir` (through /proc/PID/root, i.e. inside its mount namespace): names, hidden ones too. */
export function listAsSeenBy(pid: number, dir: string): string[] {
  return fs.readdirSync(path.join(`/proc/${pid}/root`, dir)).sort();
}

/**
 * The `wrapper` for a child that must meet a read-only file system at `dir` (EROFS, which root meets too): an empty
 * tmpfs mounted read-only over it, private to the child like withFullDisk's. It needs what withFullDisk needs, so
 * fullDiskUnavailable says whether it can run here.
 */
export function withReadOnlyDisk(dir: string): string[] {
  return [...unshareArgs(), 'sh', '-c', `mount -t tmpfs -o ro tmpfs '${dir}' && exec "$@"`, 'sh'];
}
