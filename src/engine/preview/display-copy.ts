import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { browserShows } from '../../shared/photo-extensions.ts';
import { fromFsError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { probePhoto } from '../imaging/probe.ts';
import type { ImageFileRef } from './tile-files.ts';

/** Copies kept: enough for a large batch's queue, few enough that the cache never grows without end. */
const MAX_COPIES = 200;

/** `<state>/cache/display`: inside the state folder, which the image routes allow (as the preview tiles' folder). */
export function displayCacheDir(stateDir: string): string {
  return path.join(stateDir, 'cache', 'display');
}

/**
 * A photo as the UI can show it: the file itself where the browser reads its format, otherwise a JPEG copy at full
 * size (so that a region picked on it, or its size, is the photo's own; upright, in 8 bits, transparency on white),
 * decoded by the engine's decoder and kept in the display cache under a name from the file's path, size and
 * modification time, so a changed file gets a new copy.
 */
export async function displayCopy(file: string, stateDir: string): Promise<ImageFileRef> {
  const source = path.resolve(file);
  if (browserShows(source)) {
    const info = await probePhoto(source);
    return { path: source, width: info.width, height: info.height };
  }
  let key: string;
  try {
    const { size, mtimeMs } = await stat(source);
    key = createHash('sha256').update(`${source}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 32);
  } catch (error) {
    throw fromFsError(error, source, 'read');
  }
  const dir = displayCacheDir(stateDir);
  const target = path.join(dir, `${key}.jpg`);
  const cached = await sharp(target)
    .metadata()
    .catch(() => undefined);
  if (cached?.width && cached.height) return { path: target, width: cached.width, height: cached.height };

  const { image } = await decodePhoto(source);
  const jpeg = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(target, jpeg);
  await pruneCopies(dir);
  return { path: target, width: image.width, height: image.height };
}

/** Removes the oldest copies beyond MAX_COPIES; one that vanished meanwhile (another request pruned it) is fine. */
async function pruneCopies(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jpg'));
  if (names.length <= MAX_COPIES) return;
  const aged = await Promise.all(
    names.map(async (name) => ({ name, time: (await stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  aged.sort((a, b) => a.time - b.time);
  for (const { name } of aged.slice(0, aged.length - MAX_COPIES)) await rm(path.join(dir, name), { force: true });
}
