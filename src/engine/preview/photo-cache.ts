import { stat } from 'node:fs/promises';
import { fromFsError } from '../errors.ts';
import { decodePhoto } from '../imaging/decode.ts';
import type { DecodedPhoto } from '../imaging/image.ts';

/**
 * The last few decoded photos, keyed by path + size + mtime, so dragging the preview region over a 24 MP photo
 * decodes it once instead of on every request. Values are promises: two requests racing for the same photo share
 * one decode.
 */
export interface CachedPhoto {
  photo: DecodedPhoto;
}

export class PhotoCache {
  private readonly entries = new Map<string, Promise<CachedPhoto>>();

  /** Two decoded photos at most: a 24 MP RGB photo is ~72 MB, and the user compares one photo at a time. */
  constructor(private readonly capacity = 2) {}

  async get(path: string): Promise<CachedPhoto> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      throw fromFsError(error, path, 'read');
    }
    const key = `${path}\0${info.size}\0${info.mtimeMs}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
      this.entries.delete(key);
    } else {
      entry = decodePhoto(path).then((photo) => ({ photo }));
      // A failed decode must not stay cached: the user may fix the file and try again.
      entry.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}
