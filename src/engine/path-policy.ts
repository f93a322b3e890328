import nodePath from 'node:path';
import { PHOTO_FILE_SUFFIXES } from '../shared/photo-extensions.ts';

/**
 * Which files the UI may load by path: only files under folders the user picked (or the engine's own store).
 * Pure and lexical, so it is easy to test on both POSIX and Windows rules; callers that touch the disk follow up with
 * `confirmRealPath` so a symlink inside a root cannot point outside it.
 * Used by the Electron image protocol (src/main), by `srstudio serve` (src/server) and by the preview's input checks
 * (src/engine/preview); it lives in the engine, the lowest of the three, so that no arrow points up the stack.
 */
export type PathApi = Pick<typeof nodePath.posix, 'isAbsolute' | 'normalize' | 'relative' | 'resolve' | 'sep'>;

export type PathDecision = { ok: true; path: string } | { ok: false; reason: string };

/** The photos SR Studio reads (HEIC included: the UI shows it through the engine's copy, preview/display-copy.ts). */
export const IMAGE_EXTENSIONS = PHOTO_FILE_SUFFIXES;

export function isInsideRoot(root: string, candidate: string, api: PathApi = nodePath): boolean {
  const relative = api.relative(root, candidate);
  if (relative === '') return true;
  // `..` alone or as the first segment means outside; an absolute result means another drive (Windows).
  return !(relative === '..' || relative.startsWith(`..${api.sep}`) || api.isAbsolute(relative));
}

export function resolveUnderRoots(
  requested: string,
  roots: readonly string[],
  options: { api?: PathApi; extensions?: readonly string[] } = {},
): PathDecision {
  const api = options.api ?? nodePath;
  if (typeof requested !== 'string' || requested.length === 0) return { ok: false, reason: 'empty path' };
  if (requested.length > 4096) return { ok: false, reason: 'path too long' };
  if (requested.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (!api.isAbsolute(requested)) return { ok: false, reason: 'path is not absolute' };
  // Refuse `..` outright instead of normalising it away: a legitimate UI never produces one.
  if (requested.split(/[\\/]/).includes('..')) return { ok: false, reason: 'path contains ".."' };
  const normalized = api.resolve(api.normalize(requested));
  if (options.extensions) {
    const lower = normalized.toLowerCase();
    if (!options.extensions.some((ext) => lower.endsWith(ext))) return { ok: false, reason: 'not an image file type' };
  }
  for (const root of roots) {
    if (!root || !api.isAbsolute(root)) continue;
    if (isInsideRoot(api.resolve(root), normalized, api)) return { ok: true, path: normalized };
  }
  return { ok: false, reason: 'outside the allowed folders' };
}

/** After the lexical check: the real file (symlinks followed) must still be inside a real root. */
export function confirmRealPath(
  resolved: string,
  roots: readonly string[],
  realpath: (p: string) => string,
  api: PathApi = nodePath,
): PathDecision {
  let real: string;
  try {
    real = realpath(resolved);
  } catch {
    return { ok: false, reason: 'no such file' };
  }
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = realpath(root);
    } catch {
      continue;
    }
    if (isInsideRoot(realRoot, real, api)) return { ok: true, path: real };
  }
  return { ok: false, reason: 'a link points outside the allowed folders' };
}
