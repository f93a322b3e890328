import { link, lstat, rename, unlink } from 'node:fs/promises';
import { SrError } from '../errors.ts';

/**
 * Errors with which link() says that this file system has no hard links (FAT/exFAT, some network and FUSE mounts; Linux
 * answers EPERM there), as opposed to a file in the way (EEXIST) or a real write failure (disk full, read-only).
 */
const NO_HARD_LINKS: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Moves a complete temp file to `target` unless something is there already, and then leaves that something alone:
 * the commit of an output that must not replace a file (the `refuse` and `skip` policies). rename() cannot do this: it
 * replaces whatever is at `target`, so a file that appeared after the check at planning time (another batch writing
 * into the same folder, a file dropped in before a resume) would be lost.
 *
 * link(temp, target) is the atomic "create only if absent": it fails with EEXIST if any entry (even a dangling symlink)
 * is at `target`, and otherwise makes the complete file appear at once, as rename() would. The temp name is unlinked
 * afterwards; a kill in between leaves only a hidden temp file, which a resume removes. On a file system without hard
 * links the best available is an exclusive check, then rename(): another writer could still slip in between the two,
 * but only in that instant, not for the whole batch as before.
 *
 * Throws SrError OUTPUT_EXISTS naming `target` when it exists; the temp file is then the caller's to remove.
 */
export async function commitWithoutReplacing(tempPath: string, target: string): Promise<void> {
  try {
    await link(tempPath, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw alreadyExists(target, error);
    if (!NO_HARD_LINKS.has(code)) throw error;
    if (await exists(target)) throw alreadyExists(target, error);
    await rename(tempPath, target);
    return;
  }
  // The output is complete and in place; a temp name that cannot be removed now is a leftover a resume removes.
  await unlink(tempPath).catch(() => undefined);
}

async function exists(target: string): Promise<boolean> {
  try {
    await lstat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function alreadyExists(target: string, cause: unknown): SrError {
  return new SrError('OUTPUT_EXISTS', `${target} already exists; it was left as it is`, undefined, target, { cause });
}
