// Which CLI to run: the bundle in out/cli/ (scripts/build-cli.mjs) while no file under src/ is newer than it, else the
// TypeScript sources. Plain JavaScript, loaded by bin/srstudio.js before any TypeScript loader.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Whether any file under `dir` was modified after `time` (ms). */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() ? changedSince(file, time) : statSync(file).mtimeMs > time) return true;
  }
  return false;
}

/**
 * The bundle's entry to run for the checkout at `root`, or undefined to run the sources: no bundle, a source file
 * edited (or checked out) since it was built, or SRSTUDIO_FROM_SOURCE=1.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function freshBundle(root, env = process.env) {
  if (env.SRSTUDIO_FROM_SOURCE === '1') return undefined;
  const entry = path.join(root, 'out', 'cli', 'main.mjs');
  try {
    return changedSince(path.join(root, 'src'), statSync(entry).mtimeMs) ? undefined : entry;
  } catch {
    return undefined;
  }
}
