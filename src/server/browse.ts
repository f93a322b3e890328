import fs from 'node:fs';
import path from 'node:path';
import { confirmRealPath, IMAGE_EXTENSIONS, resolveUnderRoots } from '../engine/path-policy.ts';

export interface BrowseEntry {
  name: string;
  path: string;
  kind: 'folder' | 'image';
}

export type BrowseResult =
  | { ok: true; path: string | null; parent: string | null; entries: BrowseEntry[] }
  | { ok: false; status: 403 | 404; reason: string };

/**
 * Server-side folder browsing for the web UI's pickers: without a path it lists the `--root`s; with one, it lists
 * sub-folders and images of a folder inside a root. Nothing outside the roots is ever listed.
 */
export function browse(requested: string | null, roots: readonly string[]): BrowseResult {
  if (!requested) {
    return { ok: true, path: null, parent: null, entries: roots.map((root) => ({ name: root, path: root, kind: 'folder' as const })) };
  }
  const lexical = resolveUnderRoots(requested, roots);
  if (!lexical.ok) return { ok: false, status: 403, reason: lexical.reason };
  const real = confirmRealPath(lexical.path, roots, fs.realpathSync);
  if (!real.ok) return { ok: false, status: real.reason === 'no such file' ? 404 : 403, reason: real.reason };
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(real.path, { withFileTypes: true });
  } catch {
    return { ok: false, status: 404, reason: 'not a readable folder' };
  }
  const entries: BrowseEntry[] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith('.')) continue;
    const full = path.join(lexical.path, dirent.name);
    if (dirent.isDirectory()) entries.push({ name: dirent.name, path: full, kind: 'folder' });
    else if (dirent.isFile() && IMAGE_EXTENSIONS.some((ext) => dirent.name.toLowerCase().endsWith(ext)))
      entries.push({ name: dirent.name, path: full, kind: 'image' });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
  const isRoot = roots.some((root) => path.resolve(root) === lexical.path);
  return { ok: true, path: lexical.path, parent: isRoot ? null : path.dirname(lexical.path), entries };
}
