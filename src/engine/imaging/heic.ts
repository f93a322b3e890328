import { Worker } from 'node:worker_threads';
import { SrError } from '../errors.ts';
import type { FromHeicWorker, ToHeicWorker } from './heic-worker-protocol.ts';
import type { RgbImage } from './image.ts';

/**
 * HEIC photos (iPhones save them by default): HEVC-coded images in a HEIF container. The bundled libvips reads their
 * header and metadata but has no HEVC decoder (AVIF, the AV1 kind, it decodes itself), so their pixels come from
 * libheif built for WebAssembly (libheif-js, LGPL-3.0; loaded only when a HEIC file is met: it is 3 MB of
 * JavaScript), in a thread of its own (heic-worker-boot.mjs), since it decodes synchronously. The primary image is decoded to RGB by libheif, which applies the file's own rotation and mirroring
 * (irot, imir) as it goes: that is what a HEIF photo's orientation means, so its EXIF orientation tag is not applied
 * again. Pixels come out in 8 bits, also from a 10-bit HEIC.
 */

const WORKER_FILE = new URL('./heic-worker-boot.mjs', import.meta.url);

/** The decoder thread, started at the first HEIC, and what it has been asked and not yet answered. */
let decoder: { worker: Worker; pending: Map<number, (answer: FromHeicWorker) => void> } | undefined;
let nextId = 1;

/**
 * Asks the decoder thread. It keeps the process alive only while it has work. A thread that crashed or exited answers
 * what it was asked as `broken`, once, and the next request starts a fresh one.
 */
function ask(message: DistributiveOmit<ToHeicWorker, 'id'>): Promise<FromHeicWorker> {
  if (!decoder) {
    const worker = new Worker(WORKER_FILE);
    const pending = new Map<number, (answer: FromHeicWorker) => void>();
    const started = { worker, pending };
    let stopped = false;
    const stop = (why: string) => {
      if (stopped) return;
      stopped = true;
      if (decoder === started) decoder = undefined;
      for (const [id, answer] of pending) answer({ id, broken: why });
      pending.clear();
    };
    worker.on('message', (answer: FromHeicWorker) => {
      pending.get(answer.id)?.(answer);
      pending.delete(answer.id);
      if (pending.size === 0) worker.unref();
    });
    worker.on('error', (error) => stop(`it crashed: ${error.message}`));
    worker.on('exit', (code) => stop(`it exited (code ${code})`));
    decoder = started;
  }
  const { worker, pending } = decoder;
  const id = nextId++;
  const answered = new Promise<FromHeicWorker>((resolve) => pending.set(id, resolve));
  worker.ref();
  worker.postMessage({ id, ...message } satisfies ToHeicWorker);
  return answered;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** How much memory libheif holds now: its WebAssembly memory, which only grows (0 before the first HEIC). */
export async function libheifMemoryBytes(): Promise<number> {
  if (!decoder) return 0;
  const answer = await ask({ memory: true });
  return 'memory' in answer ? answer.memory : 0;
}

/** Whether sharp's header describes a HEIF image it cannot decode itself (HEVC-coded: a HEIC photo). */
export function isHevcHeif(header: { format?: string; compression?: string }): boolean {
  return header.format === 'heif' && header.compression === 'hevc';
}

function damaged(label: string, why: string): SrError {
  return new SrError(
    'CORRUPT_IMAGE',
    `${label} is a HEIC photo that cannot be decoded: it is damaged or incomplete (${why})`,
    'Re-export or re-download the file; if it opens elsewhere, export it as JPEG.',
    label,
  );
}

/** A HEIC photo's primary image as 8-bit RGB, or RGBA when it has visible transparency. */
export async function decodeHeic(bytes: Uint8Array, label: string): Promise<RgbImage> {
  const answer = await ask({ bytes });
  if ('damaged' in answer) throw damaged(label, answer.damaged);
  if ('broken' in answer) {
    throw new SrError(
      'INTERNAL',
      `${label} could not be decoded: the HEIC decoder failed (${answer.broken}), not the photo`,
      'Try again; if it keeps failing, report it with the output of `srstudio doctor`.',
      label,
    );
  }
  if (!('data' in answer)) throw new SrError('INTERNAL', `${label}: the HEIC decoder answered without pixels`, undefined, label);
  return { width: answer.width, height: answer.height, channels: answer.channels, data: answer.data };
}
