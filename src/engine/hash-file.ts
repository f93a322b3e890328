import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fromFsError } from './errors.ts';

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
