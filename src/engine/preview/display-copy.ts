import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
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
 * decoded by the engine's decoder and kept in the display cache.
 *
 * Copies are made one at a time, in the order they were asked for, and a copy already being made is waited for, not
 * made twice. A queue of many HEIC or TIFF photos asks for all of them at once: made side by side, 24 iPhone-sized
 * photos held 3.2 GB and blocked the engine's event loop for 41 s, the first ready after 44 s; one at a time, 0.97 GB,
 * the first after 1.2 s (scripts/research/display-copies-at-once.mts, 2026-12-08). Their decodes run in libheif's own
 * thread (heic.ts), so the loop is not held up by them either.
 */
export async function displayCopy(file: string, stateDir: string): Promise<ImageFileRef> {
  const source = path.resolve(file);
  if (browserShows(source)) {
    const info = await probePhoto(source);
    return { path: source, width: info.width, height: info.height };
  }
  const dir = displayCacheDir(stateDir);
  const target = path.join(dir, `${copyKey(source)}.jpg`);
  if (existsSync(target)) {
    const cached = await cachedCopy(target);
    if (cached) return cached;
  }
  // Everything up to here that a new copy passes is synchronous, so copies take their place in line in the order asked.
  let making = inProgress.get(target);
  if (!making) {
    making = oneAtATime(async () => (await cachedCopy(target)) ?? (await makeCopy(source, dir, target)));
    inProgress.set(target, making);
    void making.then(
      () => inProgress.delete(target),
      () => inProgress.delete(target),
    );
  }
  return making;
}

/** The copy's name: from the file's path, size and modification time, so that a changed file gets a new copy. */
function copyKey(source: string): string {
  try {
    const { size, mtimeMs } = statSync(source);
    return createHash('sha256').update(`${source}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 32);
  } catch (error) {
    throw fromFsError(error, source, 'read');
  }
}

/** Copies asked for and not yet written, by target path. */
const inProgress = new Map<string, Promise<ImageFileRef>>();
/** The tail of the line of copies: each starts when the one before it has ended, done or failed. */
let line: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  // setImmediate between copies: requests that arrived during one (a cancel, a progress poll) are answered first.
  const run = line.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(task);
  line = run.catch(() => undefined);
  return run;
}

async function cachedCopy(target: string): Promise<ImageFileRef | undefined> {
  const cached = await sharp(target)
    .metadata()
    .catch(() => undefined);
  return cached?.width && cached.height ? { path: target, width: cached.width, height: cached.height } : undefined;
}

async function makeCopy(source: string, dir: string, target: string): Promise<ImageFileRef> {
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
