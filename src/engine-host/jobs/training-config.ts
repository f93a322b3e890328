import { type Degradation, parseRecipe, preset } from '../../engine/degrade/index.ts';
import { SrError } from '../../engine/errors.ts';
import type { Store } from '../../engine/store/store.ts';
import { resolveImagePaths } from '../../engine/training/data-source.ts';
import { DEFAULT_CONFIG, type TrainConfig } from '../../engine/training/train-config.ts';
import { resolveWarmStart } from '../../engine/training/warm-start.ts';
import type { TrainingDegradation, TrainingStartParams } from '../../shared/contract/index.ts';

function datasetSource(datasetId: string): string {
  if (!/^[0-9]+$/.test(datasetId)) {
    throw new SrError('NOT_FOUND', `No data set "${datasetId}"`, 'Data set ids are the numbers that datasets.list shows.');
  }
  return `dataset:${datasetId}`;
}

/**
 * The Train form's degradation as the trainer's: a preset by name, or a recipe checked against the engine's schema.
 * Clean is the protocol itself, which the trainer calls null.
 */
function degradationOf(choice: TrainingDegradation | undefined): Degradation | null {
  if (choice === undefined) return null;
  if ('preset' in choice) return choice.preset === 'clean' ? null : preset(choice.preset);
  return { name: choice.name, recipe: parseRecipe(choice.recipe, `'${choice.name}'`) };
}

/**
 * The Train form's fields as the trainer's config (src/engine/training/train-config.ts), the same config
 * `srstudio train` builds from its flags. Without an explicit validation set, a data set's own 'val' split is used
 * when it has one; a folder without one trains unvalidated (no PSNR curve, the final weights become the model).
 */
export async function trainConfigFrom(params: TrainingStartParams, store: Store): Promise<TrainConfig> {
  const data = params.data ?? datasetSource(params.datasetId ?? '');
  let val: string | null = params.validation ?? null;
  if (val === null && data.startsWith('dataset:')) {
    val = await resolveImagePaths(data, store, 'val').then(
      () => data,
      () => null,
    );
  }
  return {
    ...DEFAULT_CONFIG,
    arch: params.architecture,
    scale: params.scale,
    data,
    val,
    steps: params.steps,
    batch: params.batchSize,
    patch: params.patch,
    lr: params.learningRate,
    schedule: params.schedule,
    loss: params.loss,
    seed: params.seed,
    valEvery: params.validateEvery,
    checkpointEvery: params.checkpointEvery,
    device: params.device,
    sampling: params.sampling,
    init: params.initModelId === undefined ? null : await resolveWarmStart(params.initModelId, { stateDir: store.dir }),
    degrade: degradationOf(params.degradation),
  };
}
