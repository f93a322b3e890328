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

/** Whether npm changed node_modules after `time` (ms); false where there is no lock record (nothing to compare). */
function installedSince(root, time) {
  try {
    return statSync(path.join(root, 'node_modules', '.package-lock.json')).mtimeMs > time;
  } catch {
    return false;
  }
}

/**
 * The bundle's entry to run for the checkout at `root`, or undefined to run the sources: no bundle, a source file
 * edited (or checked out) since it was built, packages installed since (the bundle holds copies of some:
 * scripts/build-cli.mjs; npm rewrites node_modules/.package-lock.json on every change), or SRSTUDIO_FROM_SOURCE=1.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function freshBundle(root, env = process.env) {
  if (env.SRSTUDIO_FROM_SOURCE === '1') return undefined;
  const entry = path.join(root, 'out', 'cli', 'main.mjs');
  try {
    const built = statSync(entry).mtimeMs;
    if (installedSince(root, built)) return undefined;
    return changedSince(path.join(root, 'src'), built) ? undefined : entry;
  } catch {
    return undefined;
  }
}
