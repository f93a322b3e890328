import { bundledCalibrationDir } from '../models/model-dirs.ts';
import type { Store } from '../store/store.ts';
import { resolveImagePaths } from '../training/data-source.ts';

/** The photos a quantised model is calibrated on and then scored on, and how to name them in its lineage. */
export interface CalibrationSet {
  paths: string[];
  /** e.g. "dataset:1 (validation split)", "/home/me/photos", "the bundled calibration set". */
  label: string;
}

/**
 * `--calibrate`: a folder of photos, `dataset:ID` (its validation split, the photos training also held out), or
 * nothing: the bundled set (resources/calibration).
 */
export async function resolveCalibrationSet(spec: string | undefined, store: Store): Promise<CalibrationSet> {
  if (spec === undefined || spec.trim() === '') {
    return { paths: await resolveImagePaths(bundledCalibrationDir(), store, 'val'), label: 'the bundled calibration set' };
  }
  const paths = await resolveImagePaths(spec, store, 'val');
  return { paths, label: spec.startsWith('dataset:') ? `${spec.trim()} (validation split)` : spec };
}
