import type { DEGRADATION_PRESETS, TrainingRunSummary } from '../../../shared/contract/index.ts';

/**
 * What each degradation a run can train on means, in the words the Train screen shows: what kind of photos the
 * model is for, not the recipe's knobs (docs/degradation.md has those).
 */
export const PRESET_WORDS: Record<(typeof DEGRADATION_PRESETS)[number], { label: string; detail: string }> = {
  clean: {
    label: 'Clean sources (PNG, renders, scans): the benchmark protocol',
    detail: 'Inputs are the photos shrunk by bicubic and nothing else, as the published benchmarks measure.',
  },
  photo: {
    label: 'Phone and camera photos (JPEG, noise, blur)',
    detail: 'Inputs get lens blur, sensor noise and a JPEG, over the ranges phones and cameras produce.',
  },
  heavy: {
    label: 'Old, scanned or web-recompressed photos',
    detail: 'Inputs go through two rounds of blur, resizing, noise and JPEG.',
  },
};

export function profileLabel(datasetId: string): string {
  return `Matches data set ${datasetId}'s photos (profiled)`;
}

/** The recipes `datasets profile` writes are named dataset-ID-photos-xS. */
const PROFILE_RECIPE = /^dataset-([0-9]+)-photos-x[0-9]+$/;

/** A run's degradation in the same words as the choice that made it. */
export function degradationLabel(degradation: TrainingRunSummary['degradation']): string {
  if (!degradation) return PRESET_WORDS.clean.label;
  const { name } = degradation;
  if (name === 'photo' || name === 'heavy' || name === 'clean') return PRESET_WORDS[name].label;
  const profiled = PROFILE_RECIPE.exec(name);
  return profiled ? profileLabel(profiled[1]) : `Recipe “${name}”`;
}
