import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/**
 * SR Studio's own folder (a checkout, or the unpacked app): the nearest folder above this module whose package.json is
 * SR Studio's. Found by walking up rather than by a fixed number of `..`, so the same code finds it from the TypeScript
 * sources and from the CLI bundle built into out/cli/ (bin/srstudio.js).
 */
export function appRoot(): string {
  if (found) return found;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isOurPackage(path.join(dir, 'package.json'))) {
      found = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`SR Studio's package.json was not found above ${start}`);
  }
}

function isOurPackage(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'sr-studio';
  } catch {
    return false;
  }
}
