import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fromFsError } from '../errors.ts';

/**
 * Writes `chunks` to `path` so that readers only ever see the old file or the complete new one: a temp file in
 * the same folder (same filesystem, so rename is atomic), fsync, then rename over the target.
 */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw fromFsError(error, path, 'write');
  }
}
