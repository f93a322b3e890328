import { DatasetsRepo } from '../datasets/datasets-repo.ts';
import { datasetImagePaths } from '../datasets/index.ts';
import { SrError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { resolveImagePaths } from '../training/data-source.ts';

/** The photos a quantised model is calibrated on and then scored on, and how to name them in its lineage. */
export interface CalibrationSet {
  paths: string[];
  /** e.g. "dataset:1 (validation split)", "/home/me/photos". */
  label: string;
}

/**
 * `--calibrate`: a folder of photos, or `dataset:ID` (its validation split, the photos training also held out).
 * Without it, the user's own photos again: the newest data set that has a validation split. SR Studio ships no
 * photos of its own to calibrate on (the public benchmark sets are not ours to redistribute), so with no data set
 * either, the error says what to pass.
 */
export async function resolveCalibrationSet(spec: string | undefined, store: Store): Promise<CalibrationSet> {
  const given = spec?.trim() ?? '';
  if (given === '') {
    const newest = new DatasetsRepo(store)
      .list()
      .filter((dataset) => datasetImagePaths(store, dataset.id, 'val').length > 0)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)[0];
    if (!newest) {
      throw new SrError(
        'NO_IMAGES',
        'No photos to calibrate the int8 model on',
        'Pass --calibrate DIR with a few dozen of your own photos (or --calibrate dataset:ID with a data set that has a validation split).',
      );
    }
    return calibrationSet(`dataset:${newest.id}`, store);
  }
  return calibrationSet(given, store);
}

async function calibrationSet(spec: string, store: Store): Promise<CalibrationSet> {
  const paths = await resolveImagePaths(spec, store, 'val');
  return { paths, label: spec.startsWith('dataset:') ? `${spec} (validation split)` : spec };
}
