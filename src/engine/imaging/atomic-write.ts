import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromFsError, isSrError } from '../errors.ts';
import { commitWithoutReplacing } from './no-replace-commit.ts';

/** Every temp file we write ends with this, so a resumed batch can find and delete leftovers of a crash. */
export const TEMP_SUFFIX = '.srs-tmp';

const RANDOM_BYTES = 6;

/** `dir/.name.<random>.srs-tmp`: hidden, in the target's own folder so the final rename never crosses filesystems. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(RANDOM_BYTES).toString('hex')}${TEMP_SUFFIX}`);
}

/** Whether a file name (in the target's folder) is one of `tempPathFor(target)`'s temp files. */
export function isTempFileOf(name: string, target: string): boolean {
  const prefix = `.${basename(target)}.`;
  if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) return false;
  const random = name.slice(prefix.length, name.length - TEMP_SUFFIX.length);
  return random.length === RANDOM_BYTES * 2 && /^[0-9a-f]+$/.test(random);
}

export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

/**
 * The one atomic writer of the engine (photos, manifests, thumbnails, models, checkpoints).
 *
 * Writes `data` so that `path` is either the old file or the complete new one, never a torn write:
 * temp file, fsync, rename. The temp file is removed on any failure. Errors name `path` (the file the
 * user asked for), not the temp name: ENOSPC → DISK_FULL, EACCES → NOT_WRITABLE.
 *
 * With `replace: false` (a batch's outputs under the refuse and skip policies) a file already at `path` is never
 * replaced, not even one that appeared a moment ago: the write fails with OUTPUT_EXISTS instead (no-replace-commit.ts).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { replace?: boolean } = {}): Promise<void> {
  const tempPath = tempPathFor(path);
  let created = false;
  try {
    // 'wx': never follow or clobber something already at the temp name.
    const handle = await open(tempPath, 'wx', 0o644);
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace === false) await commitWithoutReplacing(tempPath, path);
    else await rename(tempPath, path);
  } catch (error) {
    if (created) await rm(tempPath, { force: true }).catch(() => undefined);
    throw isSrError(error) ? error : fromFsError(error, path, 'write');
  }
}

/**
 * `writeFileAtomic` for synchronous callers (training checkpoints and exports, written between steps, where the loop
 * must not move on before the file is safe). Same temp naming, fsync, rename and cleanup; `chunks` are written in
 * order, so a large file need not be concatenated first.
 */
export function writeFileAtomicSync(path: string, chunks: readonly Uint8Array[]): void {
  const tempPath = tempPathFor(path);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tempPath, 'wx', 0o644);
    created = true;
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tempPath, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (created) rmSync(tempPath, { force: true });
    throw fromFsError(error, path, 'write');
  }
}
