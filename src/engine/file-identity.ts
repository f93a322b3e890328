import type { Stats } from 'node:fs';

/**
 * What tells one version of a file from another without reading it: its inode, size and modification time. A file
 * rewritten in place gets a new mtime, one replaced by a rename a new inode.
 */
export function fileIdentity(stat: Stats): string {
  return `${stat.ino}|${stat.size}|${stat.mtimeMs}`;
}
