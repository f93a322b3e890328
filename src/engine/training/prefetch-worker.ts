import { parentPort } from 'node:worker_threads';
import { isSrError, SrError } from '../errors.ts';
import { hashWords } from '../seeded-random.ts';
import { PatchSampler, type TrainingPair } from './patch-sampler.ts';
import { trainingWindowPixels } from './photo-window.ts';
import type { FromWorker, SerializedError, ToWorker } from './prefetch-protocol.ts';
import { loadTrainingPair } from './training-image.ts';

/**
 * The prefetch worker: decodes and degrades every training image once, keeps the uint8 planes in memory, and
 * answers "batch for step k" requests. Batches depend only on (seed, k), so its answers are deterministic.
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

let sampler: PatchSampler | undefined;

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
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
  post({ type: 'ready', images: pairs.length, positions: sampler.positionCount, pixels, cropped, windowPixels: maxPixels });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    init(message).catch((error: unknown) => post({ type: 'error', error: serialize(error) }));
    return;
  }
  try {
    if (!sampler) throw new Error('batch requested before the data set was loaded');
    const batch = sampler.batch(message.step);
    post({ type: 'batch', step: batch.step, x: batch.x, target: batch.target }, [
      batch.x.buffer as ArrayBuffer,
      batch.target.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    post({ type: 'error', error: serialize(error) });
  }
});
