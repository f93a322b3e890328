import { type ModelSummary, TRAINING_PRESETS } from '../../../../shared/contract/index.ts';
import { networkOf } from '../../../../shared/model-title.ts';
import { PHOTO_FINE_TUNE, photoFineTunePatch, photoModelId } from '../../../../shared/photo-fine-tune.ts';

/*
 * The Train screen's form: its fields, the settings it starts from, and the settings of the photo fine-tune that the
 * screen opens on and that "Train a model that matches these photos" sets (train.svelte.ts holds the screen's state).
 */

/** The form's fields as the inputs hold them; `validate` turns them into contract params with the contract's own schema. */
export interface TrainForm {
  architecture: (typeof TRAINING_PRESETS)[number];
  scale: number;
  datasetId: string;
  steps: number;
  batchSize: number;
  patch: number;
  learningRate: number;
  schedule: 'constant' | 'step' | 'cosine';
  loss: 'mse' | 'l1';
  seed: number;
  validateEvery: number;
  sampling: 'texture' | 'uniform';
  /** A model id to start from, or '' for a seeded initialisation. */
  initModelId: string;
  /** What the inputs look like: a preset (`clean`, `photo`, `heavy`) or `profile:ID`, a profiled data set's photos. */
  degradation: string;
}

/** One entry of the Train form's degradation choice. */
export interface DegradationChoice {
  key: string;
  label: string;
  detail: string;
}

/**
 * The form before the models are listed, and where no bundled photo model is: the SRCNN paper's settings on clean
 * inputs. Once the ×2 photo model is listed, the screen opens set to fine-tune it on phone-like inputs instead
 * (`TrainState.load`), the run a photo enhancer's user most likely wants.
 */
export const DEFAULT_FORM: TrainForm = {
  architecture: 'srcnn-9-1-5',
  scale: 3,
  datasetId: '',
  steps: 2000,
  batchSize: 64,
  patch: 33,
  learningRate: 1e-3,
  schedule: 'constant',
  loss: 'mse',
  seed: 1,
  validateEvery: 500,
  sampling: 'uniform',
  initModelId: '',
  degradation: 'clean',
};

/** The degradation key of a profiled data set's photos: `profile:ID`. */
export const PROFILE_KEY = 'profile:';

/** The form's architecture choice that is this model's network; undefined where the form does not offer it. */
function presetOf(model: ModelSummary): TrainForm['architecture'] | undefined {
  const network = networkOf(model.meta.architecture, model.meta.scale);
  return TRAINING_PRESETS.find((p) => p === network);
}

/** The form's network (where it offers the parent's) and scale (where it offers it) for a run that starts from `parent`. */
export function fittedToParent(parent: ModelSummary): Partial<TrainForm> {
  const preset = presetOf(parent);
  const { scale } = parent.meta;
  return { ...(preset ? { architecture: preset } : {}), ...([2, 3, 4].includes(scale) ? { scale } : {}) };
}

/** The form set to fine-tune the bundled photo model of a scale on the user's photos (shared/photo-fine-tune.ts). */
export function photoFineTune(models: readonly ModelSummary[], scale: number): { id: string; settings: Partial<TrainForm> } | undefined {
  const id = photoModelId(scale);
  const model = models.find((m) => m.meta.id === id);
  const preset = model && presetOf(model);
  if (!preset) return undefined;
  return {
    id,
    settings: {
      architecture: preset,
      scale,
      initModelId: id,
      steps: PHOTO_FINE_TUNE.steps,
      batchSize: PHOTO_FINE_TUNE.batch,
      patch: photoFineTunePatch(scale),
      learningRate: PHOTO_FINE_TUNE.learningRate,
      schedule: PHOTO_FINE_TUNE.schedule,
      validateEvery: PHOTO_FINE_TUNE.validateEvery,
      // As the bundled models' fine-tunes were trained (resources/models/photo-x2.md).
      sampling: 'uniform',
    },
  };
}
