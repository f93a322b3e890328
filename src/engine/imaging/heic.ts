import { Worker } from 'node:worker_threads';
import { SrError } from '../errors.ts';
import type { RgbImage } from './image.ts';

/**
 * HEIC photos (iPhones save them by default): HEVC-coded images in a HEIF container. The bundled libvips reads their
 * header and metadata but has no HEVC decoder (AVIF, the AV1 kind, it decodes itself), so their pixels come from
 * libheif built for WebAssembly (libheif-js, LGPL-3.0; loaded only when a HEIC file is met: it is 3 MB of
 * JavaScript), in a thread of its own (heic-worker-boot.mjs), since it decodes synchronously. The primary image is decoded to RGB by libheif, which applies the file's own rotation and mirroring
 * (irot, imir) as it goes: that is what a HEIF photo's orientation means, so its EXIF orientation tag is not applied
 * again. Pixels come out in 8 bits, also from a 10-bit HEIC.
 */

/** What the decoder thread answers (heic-worker-boot.mjs). */
type FromHeicWorker =
  | { id: number; width: number; height: number; channels: 3 | 4; data: Uint8Array }
  | { id: number; why: string }
  | { id: number; memory: number };

const WORKER_FILE = new URL('./heic-worker-boot.mjs', import.meta.url);

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (answer: FromHeicWorker) => void>();

/**
 * Asks the decoder thread, started at the first HEIC. It keeps the process alive only while it has work, and a thread
 * that crashed (or exited) fails what it was asked and is started afresh for the next photo.
 */
function ask(message: { bytes: Uint8Array } | { memory: true }): Promise<FromHeicWorker> {
  if (!worker) {
    const started = new Worker(WORKER_FILE);
    const stop = (why: string) => {
      if (worker === started) worker = undefined;
      for (const [id, answer] of pending) answer({ id, why });
      pending.clear();
    };
    started.on('message', (answer: FromHeicWorker) => {
      pending.get(answer.id)?.(answer);
      pending.delete(answer.id);
      if (pending.size === 0) started.unref();
    });
    started.on('error', (error) => stop(`the decoder stopped: ${error.message}`));
    started.on('exit', (code) => stop(`the decoder exited (code ${code})`));
    worker = started;
  }
  const id = nextId++;
  const answered = new Promise<FromHeicWorker>((resolve) => pending.set(id, resolve));
  worker.ref();
  worker.postMessage({ id, ...message });
  return answered;
}

/** How much memory libheif holds now: its WebAssembly memory, which only grows (0 before the first HEIC). */
export async function libheifMemoryBytes(): Promise<number> {
  if (!worker) return 0;
  const answer = await ask({ memory: true });
  return 'memory' in answer ? answer.memory : 0;
}

/** Whether sharp's header describes a HEIF image it cannot decode itself (HEVC-coded: a HEIC photo). */
export function isHevcHeif(header: { format?: string; compression?: string }): boolean {
  return header.format === 'heif' && header.compression === 'hevc';
}

function damaged(label: string, why: string, cause?: unknown): SrError {
  return new SrError(
    'CORRUPT_IMAGE',
    `${label} is a HEIC photo that cannot be decoded: it is damaged or incomplete (${why})`,
    'Re-export or re-download the file; if it opens elsewhere, export it as JPEG.',
    label,
    cause === undefined ? undefined : { cause },
  );
}

/** A HEIC photo's primary image as 8-bit RGB, or RGBA when it has visible transparency. */
export async function decodeHeic(bytes: Uint8Array, label: string): Promise<RgbImage> {
  const answer = await ask({ bytes });
  if ('why' in answer) throw damaged(label, answer.why);
  if (!('data' in answer)) throw damaged(label, 'its image data does not decode');
  return { width: answer.width, height: answer.height, channels: answer.channels, data: answer.data };
}
