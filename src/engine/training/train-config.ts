// presets.ts, not the degrade index: `srstudio train --help` reads this file, and must not load sharp.
import { type Degradation, isClean, parseRecipe } from '../degrade/presets.ts';
import { SrError } from '../errors.ts';
import type { Device } from '../models/execution-providers.ts';
import type { SamplingMode } from './patch-sampler.ts';
import type { ScheduleKind } from './schedule.ts';
import type { WarmStart } from './warm-start.ts';

/** Everything that defines a training run. Stored with the run, so `--resume RUN` needs nothing else. */
export interface TrainConfig {
  /** A preset name (srcnn-9-1-5, fsrcnn, …) or an architecture JSON object as text. */
  arch: string;
  scale: number;
  /** A folder of HR images or `dataset:ID`. */
  data: string;
  /** Validation folder or `dataset:ID` (its 'val' split); null trains without validation. */
  val: string | null;
  steps: number;
  batch: number;
  /** HR side of a training patch (33 in the SRCNN paper). */
  patch: number;
  lr: number;
  schedule: ScheduleKind;
  loss: 'mse' | 'l1';
  seed: number;
  sampling: SamplingMode;
  /** HR pixels between the fixed sub-images in `stride` sampling (14 in the SRCNN paper). */
  stride: number;
  augment: boolean;
  valEvery: number;
  checkpointEvery: number;
  /** Where the best model is exported; null: the store's models folder. */
  out: string | null;
  device: Device;
  /** The model whose weights the run starts from (warm start); null: a seeded initialisation. */
  init: WarmStart | null;
  /**
   * How training inputs are made from the HR photos: a real-photo recipe (`--degrade photo|heavy|FILE`), recorded
   * whole so a resume, a checkpoint and the exported model keep it; null: the protocol's bicubic (`--degrade clean`).
   */
  degrade: Degradation | null;
}

export const SAMPLING_MODES: readonly SamplingMode[] = ['uniform', 'texture', 'stride'];

export const DEFAULT_CONFIG: Omit<TrainConfig, 'arch' | 'scale' | 'data' | 'val'> = {
  steps: 10_000,
  batch: 64,
  patch: 33,
  lr: 1e-4,
  schedule: 'constant',
  loss: 'mse',
  seed: 1,
  // Texture-weighted sampling measured no better than uniform at equal patch counts (docs/training.md: "Training pilots").
  sampling: 'uniform',
  stride: 14,
  augment: true,
  valEvery: 500,
  checkpointEvery: 1000,
  out: null,
  device: 'auto',
  init: null,
  degrade: null,
};

/**
 * The patch a run takes when none is given: the SRCNN paper's 33, rounded up to a multiple of the scale where the
 * network's input must divide it (an LR-input network such as FSRCNN or ESPCN) or where real-photo inputs are cut
 * from degraded LR tiles (degraded-sampler.ts): 34 at ×2, 33 at ×3, 36 at ×4.
 */
export function defaultPatch(scale: number, inputKind: 'upsampled' | 'lr', degraded: boolean): number {
  const factor = inputKind === 'lr' || degraded ? scale : 1;
  return Math.ceil(DEFAULT_CONFIG.patch / factor) * factor;
}

function positiveInt(name: string, value: number, flag: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new SrError('BAD_ARGUMENT', `${name} must be a positive integer, not ${value}`, `Pass ${flag} a whole number ≥ 1.`);
}

/** Checks the numbers a person typed, so mistakes fail before any image is decoded. */
export function validateConfig(config: TrainConfig): TrainConfig {
  positiveInt('The number of steps', config.steps, '--steps');
  positiveInt('The batch size', config.batch, '--batch');
  positiveInt('The patch size', config.patch, '--patch');
  positiveInt('The validation interval', config.valEvery, '--val-every');
  positiveInt('The checkpoint interval', config.checkpointEvery, '--checkpoint-every');
  positiveInt('The stride', config.stride, '--stride');
  if (!Number.isInteger(config.seed) || config.seed < 0)
    throw new SrError('BAD_ARGUMENT', `The seed must be a non-negative integer, not ${config.seed}`, 'Pass --seed 0 or more.');
  if (!(config.lr > 0) || !Number.isFinite(config.lr))
    throw new SrError('BAD_ARGUMENT', `The learning rate must be positive, not ${config.lr}`, 'Pass --lr e.g. 1e-4.');
  if (!['constant', 'step', 'cosine'].includes(config.schedule)) {
    throw new SrError('BAD_ARGUMENT', `Unknown schedule '${config.schedule}'`, 'Use --schedule constant, step or cosine.');
  }
  if (!['mse', 'l1'].includes(config.loss)) throw new SrError('BAD_ARGUMENT', `Unknown loss '${config.loss}'`, 'Use --loss mse or l1.');
  // Runs stored before texture sampling existed call uniform sampling 'random'.
  const sampling = (config.sampling as string) === 'random' ? 'uniform' : config.sampling;
  if (!SAMPLING_MODES.includes(sampling)) {
    throw new SrError('BAD_ARGUMENT', `Unknown sampling '${config.sampling}'`, `Use --sampling ${SAMPLING_MODES.join(', ')}.`);
  }
  // Runs stored before warm starts (or degradations) existed have no `init` (`degrade`).
  const degrade = config.degrade
    ? { name: config.degrade.name, recipe: parseRecipe(config.degrade.recipe, `of run setting '${config.degrade.name}'`) }
    : null;
  if (degrade && !isClean(degrade.recipe) && sampling === 'stride') {
    throw new SrError(
      'BAD_ARGUMENT',
      `--sampling stride does not work with --degrade ${degrade.name}`,
      'Real-photo degradation draws every patch afresh, from anywhere in the photos: use --sampling uniform or texture.',
    );
  }
  // The clean recipe is the protocol itself, whose cached path is bit-identical to runs made before recipes existed.
  return { ...config, sampling, init: config.init ?? null, degrade: degrade && isClean(degrade.recipe) ? null : degrade };
}
