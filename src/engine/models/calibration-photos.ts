import type { LoadedModel } from './loaded-model.ts';

/**
 * The photos an int8 model was measured on. A bundled one names a data set of the machine that made it ("dataset:1
 * (validation split)"), which on the user's machine is another set or none: its card says which photos they were.
 */
export function calibrationPhotos(model: LoadedModel): string {
  const calibration = model.meta.quantizedFrom?.calibration ?? '';
  return model.source === 'builtin' ? `the validation photos its card names (resources/models/${model.meta.id}.md)` : calibration;
}
