import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

function isStale(output: string, sources: string[]): boolean {
  if (!fs.existsSync(output)) return true;
  const built = fs.statSync(output).mtimeMs;
  return sources.some((source) => newestMtime(path.join(REPO_ROOT, source)) > built);
}

/**
 * Runs `electron-vite build` when `output` (a file of the build) is missing or older than any of `sources` (paths
 * relative to the repository). `npm test` builds before vitest, so this only builds when a test runs on its own after
 * an edit. Test files run in parallel workers and one build writes all of out/, so a lock folder (mkdir is atomic)
 * makes one worker build while the others wait for it.
 */
export async function ensureBuilt(output: string, sources: string[]): Promise<void> {
  const lock = path.join(REPO_ROOT, 'out/.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  while (isStale(output, sources)) {
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another worker is building; a lock older than three minutes belongs to a dead run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('Timed out waiting for another test worker to run electron-vite build.');
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (isStale(output, sources)) {
        execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
          cwd: REPO_ROOT,
          stdio: 'pipe',
        });
        // The bundle's files may keep older mtimes; touch the output so the staleness check sees this build.
        const now = new Date();
        fs.utimesSync(output, now, now);
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}
