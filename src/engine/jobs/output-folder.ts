import fs from 'node:fs';
import path from 'node:path';
import { fromFsError, SrError } from '../errors.ts';
import { tempPathFor } from '../imaging/atomic-write.ts';

/**
 * Makes the batch's output folder (and any missing parents), then proves it can be written, so a batch that cannot
 * write its outputs refuses up front instead of upscaling every file only to fail at the first write.
 */
export function ensureOutputFolder(outDir: string): void {
  makeFolders(outDir);
  if (!fs.statSync(outDir).isDirectory()) throw notAFolder(outDir);
  assertWritable(outDir);
}

/**
 * mkdir one level at a time rather than `recursive: true`: Node's recursive mkdir reports ENOENT for any failure of a
 * parent level (a read-only file system, a folder we may not write to), which would read "No such file or folder".
 */
function makeFolders(outDir: string): void {
  const missing: string[] = [];
  for (let at = outDir; !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (at === path.dirname(at)) break;
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) continue; // made by someone else meanwhile
      if (code === 'EEXIST' || code === 'ENOTDIR') throw notAFolder(outDir);
      throw fromFsError(error, outDir, 'write');
    }
  }
}

/**
 * Creates and removes a hidden temp file: the only test that holds for every cause. access(W_OK) says yes to root on
 * a folder without write permission (fine: root may write there) but also trusts mode bits where ACLs or network
 * file systems decide otherwise. The name is the atomic writer's temp name, so one left by a crash is cleaned up
 * like any other.
 */
function assertWritable(outDir: string): void {
  const probe = tempPathFor(path.join(outDir, 'write-check'));
  try {
    fs.closeSync(fs.openSync(probe, 'wx', 0o600));
  } catch (error) {
    throw fromFsError(error, outDir, 'write');
  }
  fs.rmSync(probe, { force: true });
}

function notAFolder(outDir: string): SrError {
  return new SrError('BAD_ARGUMENT', `The output path ${outDir} is a file, not a folder`, 'Pass a folder with -o.', outDir);
}
