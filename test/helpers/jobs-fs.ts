import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder (world-traversable, so child processes running as another uid can reach inside). */
export function makeJobsTempDir(prefix = 'srstudio-jobs-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a file (and its folders) with the given content. */
export function touchFile(file: string, content: string | Uint8Array = 'x'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Every file under `root`, as sorted paths relative to it with '/' separators. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  if (fs.existsSync(root)) visit(root);
  return out.sort();
}
