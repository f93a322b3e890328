import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelMeta, QUALITY_BUDGET_DB, type QuantizedFrom } from '../../shared/model-meta.ts';
import { fromFsError, SrError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import { freeUserModelPath, saveUserModel } from '../models/import-model.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { withModelMeta } from '../models/model-bytes.ts';
import type { ModelDirs } from '../models/model-dirs.ts';
import { loadModel } from '../models/registry.ts';
import type { Store } from '../store/store.ts';
import { scoreModel } from '../training/score-weights.ts';
import { type Score, ValidationSet } from '../training/validation.ts';
import type { RangeMethod } from './activation-range.ts';
import { CALIBRATION_PATCHES, cutPatches } from './calibrate.ts';
import { resolveCalibrationSet } from './calibration-set.ts';
import { assertFormatOffered } from './formats.ts';
import { buildInt8, calibrateInt8, type Int8Calibration, int8Capable, type LayerReport } from './int8-model.ts';

export interface QuantizeOptions {
  /** A folder of photos, `dataset:ID`, or undefined for the validation split of the newest data set that has one. */
  calibrate?: string;
  /** `int8` (default); `bf16` is refused with the reason (formats.ts). */
  format?: string;
  /** Id of the new model (default `<parent id>-int8`). */
  id?: string;
  /** Write the model to this file (which must not exist) instead of into the user's models. */
  out?: string;
  name?: string;
  /** Validation PSNR the model may lose against its parent before layers go back to float32 (default 0.1 dB). */
  budgetDb?: number;
  method?: RangeMethod;
  /** Steps of the run, for a progress line. */
  onProgress?: (message: string) => void;
  /** Things the user should know (a calibration photo left out, the budget not met). */
  onNotice?: (message: string) => void;
}

export interface QuantizeResult {
  model: LoadedModel;
  layers: LayerReport[];
  quantizedFrom: QuantizedFrom;
}

/** Input pixels of content per calibration patch, besides the halo each side. */
const PATCH_CORE = 32;

/**
 * `srstudio models quantize`: a float32 Y model → a new int8 model with its own id, card (metadata) and lineage.
 * Calibrates on a few hundred patches of the calibration photos, scores both models on those photos with the SR
 * protocol, and while the int8 model is more than the budget below its parent, puts back in float32 the layer
 * whose rounding costs the most (measured one layer at a time). If no mix of layers meets the budget, the all-int8
 * model is kept and flagged by its lineage (withinQualityBudget), which the Models screen shows.
 */
export async function quantizeModel(ref: string, dirs: ModelDirs, store: Store, options: QuantizeOptions = {}): Promise<QuantizeResult> {
  assertFormatOffered(options.format ?? 'int8');
  const progress = options.onProgress ?? (() => {});
  const parent = await loadModel(ref, dirs);
  const { meta } = parent;
  if (meta.quantizedFrom) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${meta.id} is quantised already (from ${meta.quantizedFrom.id})`,
      `Quantise ${meta.quantizedFrom.id} instead.`,
    );
  }
  if (meta.colorMode !== 'y') {
    throw new SrError(
      'BAD_MODEL',
      `${meta.id} works on RGB; int8 calibration and scoring are for Y (luminance) models, such as every model SR Studio trains`,
      'Quantise a Y model.',
      parent.path,
    );
  }
  const id = options.id ?? `${meta.id}-int8`.slice(0, 64);
  if (!ModelMeta.shape.id.safeParse(id).success) {
    throw new SrError(
      'BAD_ARGUMENT',
      `"${id}" is not a valid model id`,
      'Use lower-case letters, digits, dot, dash or underscore, e.g. --id my-model-int8.',
    );
  }
  const budget = options.budgetDb ?? QUALITY_BUDGET_DB;
  if (options.out) await assertAbsent(options.out);
  else await freeUserModelPath(id, dirs);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(parent.path);
  } catch (error) {
    throw fromFsError(error, parent.path, 'read');
  }

  const set = await resolveCalibrationSet(options.calibrate, store);
  progress(`Reading ${set.paths.length} calibration photo(s) from ${set.label}`);
  const validation = await ValidationSet.load(set.paths, meta.scale, meta.inputKind, (path, reason) =>
    options.onNotice?.(`left out calibration photo ${path}: ${reason}`),
  );
  const side = 2 * meta.halo + PATCH_CORE;
  const patches = cutPatches(validation.inputs, side, meta.halo, CALIBRATION_PATCHES);
  if (patches.batches.length === 0) {
    throw new SrError(
      'TOO_SMALL',
      `No calibration photo of ${set.label} is large enough for ${side}×${side} ${meta.inputKind === 'lr' ? 'low-resolution' : 'input'} patches at ×${meta.scale}`,
      `Calibrate on photos of at least ${side * (meta.inputKind === 'lr' ? meta.scale : 1)} pixels on each side.`,
    );
  }
  progress(`Calibrating ${CALIBRATION_PATCHES} patches`);
  const calibration = await calibrateInt8(bytes, parent.path, patches, options.method ?? 'mse');

  const outScale = meta.inputKind === 'lr' ? meta.scale : 1;
  const score = (model: Uint8Array, what: string) =>
    scoreModel(model, validation, { halo: meta.halo, outScale, provider: 'cpu', source: `quantize:${id}:${what}` });
  progress(`Scoring ${meta.id} on ${validation.size} photo(s)`);
  const parentScore = await score(bytes, 'parent');
  const chosen = await withinBudget(calibration, parentScore, budget, score, progress);
  if (parentScore.psnr - chosen.score.psnr > budget) {
    options.onNotice?.(
      `no mix of int8 layers stays within ${budget} dB of ${meta.id} on ${set.label}: the all-int8 model loses ${(parentScore.psnr - chosen.score.psnr).toFixed(3)} dB and is flagged`,
    );
  }

  const int8Layers = chosen.layers.filter((l) => l.precision === 'int8');
  const quantizedFrom: QuantizedFrom = {
    id: meta.id,
    format: 'int8',
    calibration: set.label,
    photos: validation.size,
    patches: CALIBRATION_PATCHES,
    psnr: chosen.score.psnr,
    ssim: chosen.score.ssim,
    parentPsnr: parentScore.psnr,
    parentSsim: parentScore.ssim,
    floatLayers: chosen.layers.filter((l) => l.precision === 'float32').map((l) => `${l.name} (${l.shape}): ${l.reason}`.slice(0, 300)),
  };
  const quantisedMeta: ModelMeta = {
    ...meta,
    id,
    // A copy made here is neither bundled nor the default, whatever its parent's name says.
    name: (options.name ?? `${meta.name.replace(/, (bundled with SR Studio|SR Studio default)\)/, ')')} · int8`).slice(0, 200),
    provenance: (
      `int8 quantisation of ${meta.id} by SR Studio (srstudio models quantize): weights int8 per output channel, activations ` +
      `uint8 with ${options.method === 'minmax' ? 'min/max' : 'MSE-optimal'} ranges calibrated on ${CALIBRATION_PATCHES} patches of ` +
      `${set.label}; ${int8Layers.length} of ${chosen.layers.length} convolutions in int8 (${int8Layers.map((l) => l.name).join(', ')}). ` +
      `Parent: ${meta.provenance}`
    ).slice(0, 4000),
    scores: {},
    quantizedFrom,
  };
  const model = options.out
    ? await saveModelFile(chosen.bytes, quantisedMeta, options.out)
    : await saveUserModel(chosen.bytes, quantisedMeta, dirs, parent.path);
  return { model, layers: chosen.layers, quantizedFrom };
}

async function assertAbsent(file: string): Promise<void> {
  const present = await fs.stat(file).then(
    () => true,
    () => false,
  );
  if (present) throw new SrError('OUTPUT_EXISTS', `${file} exists already`, 'Choose another --out file, or remove it first.', file);
}

async function saveModelFile(bytes: Uint8Array, meta: ModelMeta, file: string): Promise<LoadedModel> {
  await writeFileAtomic(file, withModelMeta(bytes, meta, file));
  return { meta, path: path.resolve(file), source: 'file' };
}

interface Candidate {
  bytes: Uint8Array;
  layers: LayerReport[];
  score: Score;
}

/** The all-int8 model if it meets the budget; else layers back to float32, most costly first, until it does. */
async function withinBudget(
  calibration: Int8Calibration,
  parent: Score,
  budget: number,
  score: (model: Uint8Array, what: string) => Promise<Score>,
  progress: (message: string) => void,
): Promise<Candidate> {
  const build = async (keepFloat: Set<string>, what: string): Promise<Candidate> => {
    const built = buildInt8(calibration, keepFloat);
    return { ...built, score: await score(built.bytes, what) };
  };
  progress('Scoring the int8 model');
  const all = await build(new Set(), 'int8');
  const capable = int8Capable(calibration);
  if (parent.psnr - all.score.psnr <= budget || capable.length < 2) return all;
  // What each layer costs alone: that layer in int8, all others float32.
  const cost = new Map<string, number>();
  for (const layer of capable) {
    progress(`Measuring what int8 costs in ${layer}`);
    const alone = await build(new Set(capable.filter((l) => l !== layer)), `only-${layer}`);
    cost.set(layer, parent.psnr - alone.score.psnr);
  }
  const keepFloat = new Set<string>();
  for (const layer of [...capable].sort((a, b) => (cost.get(b) ?? 0) - (cost.get(a) ?? 0)).slice(0, -1)) {
    keepFloat.add(layer);
    progress(`Scoring with ${[...keepFloat].join(', ')} in float32`);
    const mixed = await build(new Set(keepFloat), `mixed-${keepFloat.size}`);
    if (parent.psnr - mixed.score.psnr <= budget) return mixed;
  }
  return all;
}
