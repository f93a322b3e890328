/**
 * Opens what a run's loop needs before its first step: the validation set, the train-step session on its
 * device and the batch prefetcher. Reports loading progress and device notices as events.
 */
import { formatMegapixels } from '../imaging/limits.ts';
import type { Store } from '../store/store.ts';
import { type ArchSpec, inputKindOf } from './architectures.ts';
import { resolveImagePaths } from './data-source.ts';
import type { TrainEvent } from './events.ts';
import { buildTrainStep } from './graph/index.ts';
import { lrMultipliers } from './lr-multipliers.ts';
import type { PatchGeometry } from './patch-geometry.ts';
import { TRAINING_PIXEL_BUDGET, VALIDATION_WINDOW } from './photo-window.ts';
import { BatchPrefetcher } from './prefetcher.ts';
import type { TrainConfig } from './train-config.ts';
import { openTrainSession } from './train-session.ts';
import { ValidationSet } from './validation.ts';

export async function prepareRun(
  store: Store,
  config: TrainConfig,
  arch: ArchSpec,
  geometry: PatchGeometry,
  emit: (event: TrainEvent) => void,
) {
  const inputKind = inputKindOf(arch);
  const trainPaths = await resolveImagePaths(config.data, store, 'train');
  const valPaths = config.val ? await resolveImagePaths(config.val, store, 'val') : [];
  emit({ type: 'loading', what: 'val', done: 0, total: valPaths.length });
  // The decoder's reasons already name the file; say which set it was left out of.
  const skipped = (what: string) => (path: string, reason: string) =>
    emit({ type: 'notice', level: 'warn', message: `Skipped a ${what} image: ${reason.includes(path) ? reason : `${path}: ${reason}`}` });
  const degradation = config.degrade?.recipe ?? null;
  const validation =
    valPaths.length > 0
      ? await ValidationSet.load(
          valPaths,
          config.scale,
          inputKind,
          skipped('validation'),
          degradation ? { recipe: degradation, seed: config.seed } : undefined,
        )
      : null;
  const { session, provider } = await openTrainStep(arch, config, geometry.inputSize, (message) => emit({ type: 'notice', message }));
  try {
    const prefetcher = await BatchPrefetcher.start({
      paths: trainPaths,
      scale: config.scale,
      geometry,
      sampling: { mode: config.sampling, stride: config.stride, augment: config.augment },
      seed: config.seed,
      batchSize: config.batch,
      degradation,
      onLoading: (done, total) => emit({ type: 'loading', what: 'train', done, total }),
      onSkipped: skipped('training'),
    });
    if (validation && validation.cropped > 0) {
      emit({
        type: 'notice',
        message: `${validation.cropped} validation photo(s) are larger than ${formatMegapixels(VALIDATION_WINDOW)}: each is scored on its centre ${formatMegapixels(VALIDATION_WINDOW)}`,
      });
    }
    if (prefetcher.withoutPatches > 0) {
      emit({
        type: 'notice',
        level: 'warn',
        message: `${prefetcher.withoutPatches} training photo(s) are smaller than one ${config.patch}-pixel patch${degradation ? ' with its degradation margin' : ''}: they give no patches, so the run trains on the other ${prefetcher.images - prefetcher.withoutPatches}`,
      });
    }
    if (prefetcher.shrunk > 0 && degradation) {
      const factor = degradation.target.jpegSourceDownscale;
      emit({
        type: 'notice',
        message: `${prefetcher.shrunk} training photo(s) are JPEG, HEIC or AVIF (lossy): each was shrunk ${factor}× (area) first, so the targets are cleaner than the inputs`,
      });
    }
    if (prefetcher.cropped.photos > 0) {
      const { photos, windowPixels } = prefetcher.cropped;
      emit({
        type: 'notice',
        message: `${photos} training photo(s) are larger than ${formatMegapixels(windowPixels)}: each trains on a ${formatMegapixels(windowPixels)} window, placed by the seed (a run keeps at most ${formatMegapixels(TRAINING_PIXEL_BUDGET)} of photos in memory)`,
      });
    }
    return { validation, session, provider, prefetcher };
  } catch (error) {
    await session.session.release();
    throw error;
  }
}

/** Builds the run's train-step graph and opens it on the configured device. */
async function openTrainStep(arch: ArchSpec, config: TrainConfig, inputSize: number, onNotice: (message: string) => void) {
  const graph = buildTrainStep(arch, { batch: config.batch, inputSize, loss: config.loss, lrMultipliers: lrMultipliers(arch) });
  const { session, provider } = await openTrainSession(graph.bytes, config.device, onNotice);
  return { session: { session, graph }, provider };
}
