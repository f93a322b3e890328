import { parentPort } from 'node:worker_threads';
import { isSrError, SrError } from '../errors.ts';
import type { RgbImage } from '../imaging/image.ts';
import { hashWords } from '../seeded-random.ts';
import { DegradedSampler } from './degraded-sampler.ts';
import { type Batch, PatchSampler, type TrainingPair } from './patch-sampler.ts';
import { TRAINING_PIXEL_BUDGET, trainingWindowPixels } from './photo-window.ts';
import type { FromWorker, SerializedError, ToWorker } from './prefetch-protocol.ts';
import { loadTrainingPair } from './training-image.ts';
import { loadTrainingPhoto } from './training-photo.ts';

/**
 * The prefetch worker answers "batch for step k" requests; batches depend only on (seed, k), so its answers are
 * deterministic. With the protocol's degradation it decodes and degrades every training image once and keeps the
 * uint8 Y planes; with a real-photo recipe it keeps the RGB photos and degrades every sample afresh (DegradedSampler).
 */
const port = parentPort;
if (!port) throw new Error('prefetch-worker.ts must run in a worker thread');

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function serialize(error: unknown): SerializedError {
  if (isSrError(error)) return { code: error.code, message: error.message, hint: error.hint, path: error.path };
  return { code: 'INTERNAL', message: (error as Error)?.message ?? String(error) };
}

interface Sampler {
  readonly positionCount: number;
  readonly imagesWithoutPatches: number;
  batch(step: number): Batch | Promise<Batch>;
}

let sampler: Sampler | undefined;

type Init = Extract<ToWorker, { type: 'init' }>;

async function init(message: Init): Promise<void> {
  if (message.degradation) return initDegraded(message, message.degradation);
  const pairs: TrainingPair[] = [];
  let pixels = 0;
  let done = 0;
  let cropped = 0;
  const maxPixels = trainingWindowPixels(message.paths.length, message.pixelBudget);
  for (const [index, path] of message.paths.entries()) {
    // One bad photo in a collection must not stop the run: the decoder's SrError names the file and why.
    try {
      // The window's place depends on the seed and the photo's position in the list, so a resume cuts the same one.
      const { photo, ...pair } = await loadTrainingPair(path, message.scale, message.geometry.inputKind, {
        maxPixels,
        seed: hashWords(message.seed, index),
      });
      pairs.push(pair);
      pixels += pair.target.data.length;
      if (photo.width * photo.height > maxPixels) cropped += 1;
    } catch (error) {
      if (!isSrError(error)) throw error;
      post({ type: 'skipped', path, reason: error.message });
    }
    done += 1;
    post({ type: 'loading', done, total: message.paths.length });
  }
  if (pairs.length === 0) {
    throw new SrError(
      'NO_IMAGES',
      `None of the ${message.paths.length} training image(s) could be read`,
      'Each was skipped for the reason given above; pass --data a folder or data set with readable photos.',
    );
  }
  sampler = new PatchSampler(pairs, message.geometry, message.sampling, message.seed, message.batchSize);
  post({ type: 'ready', ...readyCounts(sampler, pairs.length), pixels, cropped, windowPixels: maxPixels, shrunk: 0 });
}

/** RGB photos take 3 bytes a pixel, against 1 for the Y planes the budget was set for. */
const RGB_BYTES = 3;

async function initDegraded(message: Init, recipe: NonNullable<Init['degradation']>): Promise<void> {
  const photos: RgbImage[] = [];
  let pixels = 0;
  let cropped = 0;
  let shrunk = 0;
  const maxPixels = trainingWindowPixels(message.paths.length, Math.floor((message.pixelBudget ?? TRAINING_PIXEL_BUDGET) / RGB_BYTES));
  for (const [index, path] of message.paths.entries()) {
    try {
      const loaded = await loadTrainingPhoto(path, recipe.target.jpegSourceDownscale, { maxPixels, seed: hashWords(message.seed, index) });
      photos.push(loaded.image);
      pixels += loaded.image.width * loaded.image.height;
      if (loaded.photo.width * loaded.photo.height > maxPixels * (loaded.shrunk ? recipe.target.jpegSourceDownscale ** 2 : 1)) cropped += 1;
      if (loaded.shrunk) shrunk += 1;
    } catch (error) {
      if (!isSrError(error)) throw error;
      post({ type: 'skipped', path, reason: error.message });
    }
    post({ type: 'loading', done: index + 1, total: message.paths.length });
  }
  if (photos.length === 0) {
    throw new SrError(
      'NO_IMAGES',
      `None of the ${message.paths.length} training image(s) could be read`,
      'Each was skipped for the reason given above; pass --data a folder or data set with readable photos.',
    );
  }
  const { augment, mode } = message.sampling;
  sampler = new DegradedSampler(
    photos,
    message.geometry,
    recipe,
    message.seed,
    message.batchSize,
    augment,
    mode === 'texture' ? 'texture' : 'uniform',
  );
  post({ type: 'ready', ...readyCounts(sampler, photos.length), pixels, cropped, windowPixels: maxPixels, shrunk });
}

function readyCounts(from: Sampler, images: number) {
  return { images, positions: from.positionCount, withoutPatches: from.imagesWithoutPatches };
}

/** Batches are made one at a time, in the order asked: a degraded batch awaits JPEG encodes, and must not interleave. */
let queue: Promise<void> = Promise.resolve();

async function answer(step: number): Promise<void> {
  try {
    if (!sampler) throw new Error('batch requested before the data set was loaded');
    const batch = await sampler.batch(step);
    post({ type: 'batch', step: batch.step, x: batch.x, target: batch.target }, [
      batch.x.buffer as ArrayBuffer,
      batch.target.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    post({ type: 'error', error: serialize(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    init(message).catch((error: unknown) => post({ type: 'error', error: serialize(error) }));
    return;
  }
  const step = message.step;
  queue = queue.then(() => answer(step));
});
