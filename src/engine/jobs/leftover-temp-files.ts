import fs from 'node:fs';
import path from 'node:path';
import { isTempFileOf, TEMP_SUFFIX } from '../imaging/atomic-write.ts';

/**
 * Deletes the `*.srs-tmp` files a killed batch can leave in its output tree (the encoder writes a temp file and
 * renames it; a kill -9 between the two leaves the temp file). Only files ending in our suffix are touched.
 * Returns the paths removed. Unreadable folders are passed over: cleaning up must never fail a resume.
 */
export function removeLeftoverTempFiles(root: string): string[] {
  const removed: string[] = [];
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && entry.name.endsWith(TEMP_SUFFIX)) {
        try {
          fs.rmSync(full, { force: true });
          removed.push(full);
        } catch {
          // Not ours to fix here (permissions): it is hidden and never mistaken for an output.
        }
      }
    }
  };
  visit(root);
  return removed;
}

/**
 * Deletes the temp files an earlier write of `output` left (`.<name>.<random>.srs-tmp` beside it): what a queue worker
 * killed while writing this one file leaves, cleaned by the worker that retries it. Other files' temp files, which
 * other workers may be writing right now, are not touched.
 */
export function removeTempFilesOf(output: string): string[] {
  const dir = path.dirname(output);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!isTempFileOf(name, output)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(path.join(dir, name));
    } catch {
      // Left for the batch's own clean-up; it is hidden and never mistaken for an output.
    }
  }
  return removed;
}
