import { createHash } from 'node:crypto';
import fs, { createReadStream } from 'node:fs';
import { fromFsError } from './errors.ts';
import { fileIdentity } from './file-identity.ts';

/** SHA-256 of the file's bytes, streamed so a 100 MB TIFF never sits in memory whole (dataset dedupe, queue model and output checks). */
export function hashFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(filePath, { highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', (error) => reject(fromFsError(error, filePath, 'read')));
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

/** SHA-256 of bytes already in memory, as hex (models checked against their recorded hash, cache keys). */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files hashed before in this process, with the identity (file-identity.ts) they had then. */
const hashedBefore = new Map<string, { identity: string; hash: string }>();

/**
 * SHA-256 of a small file's bytes, read and hashed once while the file stays the same one (inode, size, mtime): the
 * caches of what a model's bytes determine (its geometry, its photo graph) key on it for every photo of a batch.
 * Throws the file system's error.
 */
export function hashFileOnce(filePath: string): string {
  const identity = fileIdentity(fs.statSync(filePath));
  const known = hashedBefore.get(filePath);
  if (known?.identity === identity) return known.hash;
  const hash = hashBytes(fs.readFileSync(filePath));
  hashedBefore.set(filePath, { identity, hash });
  return hash;
}
