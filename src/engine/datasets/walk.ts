import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isImageFileName } from '../imaging/image-file-name.ts';
import type { SkippedFile } from './types.ts';

export interface WalkResult {
  /** Candidate image files (by extension), absolute, sorted. */
  files: string[];
  skipped: SkippedFile[];
  /** Roots that do not exist (any more). */
  missingRoots: string[];
}

/**
 * Lists the image files under each root. A root may be a folder or a single file.
 * - Files with a non-image extension are skipped with a reason; hidden files (dotfiles such as .DS_Store and
 *   our own `.x.srs-tmp` temp files) are ignored silently, since they are never photos a person put there.
 * - Folder symlinks are not followed (no loops); file symlinks are, and one named like an image that leads nowhere
 *   is skipped with a reason.
 */
export async function walkRoots(roots: readonly { path: string; recursive: boolean }[]): Promise<WalkResult> {
  const files = new Set<string>();
  const skipped: SkippedFile[] = [];
  const missingRoots: string[] = [];

  const visitFile = (filePath: string) => {
    if (isImageFileName(filePath)) files.add(filePath);
    else skipped.push({ path: filePath, code: 'NOT_AN_IMAGE', reason: `not an image file (${describeExtension(filePath)})` });
  };

  const visitDir = async (dir: string, recursive: boolean): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({
        path: dir,
        code: 'NOT_READABLE',
        reason: `folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive) await visitDir(full, recursive);
      } else if (entry.isFile()) {
        visitFile(full);
      } else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch((error: NodeJS.ErrnoException) => error);
        if (target instanceof Error) {
          // A link to a photo that is gone (or a loop of links) is said, as a missing photo would be; other links are not.
          if (isImageFileName(full)) skipped.push({ path: full, code: 'NOT_FOUND', reason: `a link to nothing (${linkProblem(target)})` });
        } else if (target.isFile()) {
          visitFile(full);
        }
      }
    }
  };

  for (const root of roots) {
    const info = await stat(root.path).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      if (info.code === 'ENOENT') missingRoots.push(root.path);
      else skipped.push({ path: root.path, code: 'NOT_READABLE', reason: `cannot be read (${info.code ?? 'error'})` });
    } else if (info.isDirectory()) {
      await visitDir(root.path, root.recursive);
    } else {
      visitFile(root.path);
    }
  }
  return { files: [...files].sort(), skipped, missingRoots };
}

function linkProblem(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'its target does not exist';
  if (error.code === 'ELOOP') return 'it leads back to itself';
  return error.code ?? 'error';
}

function describeExtension(filePath: string): string {
  const ext = path.extname(filePath);
  return ext ? `extension ${ext}` : 'no extension';
}
