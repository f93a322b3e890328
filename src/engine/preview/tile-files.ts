import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { fromFsError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { RgbImage } from '../imaging/image.ts';

export interface ImageFileRef {
  path: string;
  width: number;
  height: number;
}

/** Tiles are short-lived: the UI shows them and asks again when the region moves. */
const MAX_TILE_FILES = 400;
const MAX_TILE_AGE_MS = 30 * 60 * 1000;

/** `<state>/cache/preview`: inside the state folder, which the image protocol (Electron) and `/api/image` (serve) already allow. */
export function previewCacheDir(stateDir: string): string {
  return path.join(stateDir, 'cache', 'preview');
}

/** PNG without metadata; low compression, since these files live for minutes and speed matters more than size. */
export async function encodePng(image: RgbImage, compressionLevel = 1): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png({ compressionLevel })
    .toBuffer();
}

/**
 * Writes the images of one preview under fresh names (a new batch id per request, so the UI never shows a stale
 * tile from its own cache) and prunes old tiles. Pixels reach the UI as these files, never as JSON.
 */
export class TileWriter {
  readonly batch = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

  constructor(private readonly dir: string) {}

  async write(name: string, image: RgbImage): Promise<ImageFileRef> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw fromFsError(error, this.dir, 'write');
    }
    const file = path.join(this.dir, `${this.batch}-${name}.png`);
    await writeFileAtomic(file, await encodePng(image));
    return { path: file, width: image.width, height: image.height };
  }
}

/** Deletes tiles beyond the newest MAX_TILE_FILES and any older than MAX_TILE_AGE_MS. Best effort: a failure only leaves files. */
export async function pruneTiles(dir: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.png'));
  } catch {
    return 0;
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const mtime = await stat(file).then(
        (info) => info.mtimeMs,
        () => 0,
      );
      return { file, mtime };
    }),
  );
  files.sort((a, b) => b.mtime - a.mtime);
  const doomed = files.filter((entry, index) => index >= MAX_TILE_FILES || now - entry.mtime > MAX_TILE_AGE_MS);
  await Promise.all(doomed.map((entry) => rm(entry.file, { force: true }).catch(() => undefined)));
  return doomed.length;
}
