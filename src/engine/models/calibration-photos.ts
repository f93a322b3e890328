import path from 'node:path';
import type { LoadedModel } from './loaded-model.ts';

/**
 * The photos an int8 model was measured on. A bundled one names a data set of the machine that made it ("dataset:1
 * (validation split)"), which on the user's machine is another set or none: its card says which photos they were.
 */
export function calibrationPhotos(model: LoadedModel): string {
  const calibration = model.meta.quantizedFrom?.calibration ?? '';
  // The card lies beside the bundled model, in the repository or the packaged app's resources alike.
  const card = path.join(path.dirname(model.path), `${model.meta.id}.md`);
  return model.source === 'builtin' ? `the validation photos its card names (${card})` : calibration;
}
