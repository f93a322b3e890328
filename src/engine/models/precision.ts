import { type Precision, quantisationLoss, withinQualityBudget } from '../../shared/model-meta.ts';
import { SrError } from '../errors.ts';
import { calibrationPhotos } from './calibration-photos.ts';
import { hasInt8DotProduct } from './cpu-int8.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { ModelDirs } from './model-dirs.ts';
import { listModels, loadModel } from './registry.ts';

export interface PrecisionChoice {
  model: LoadedModel;
  /** Said once to the user when the choice is not the model they named, or may be slow. */
  note?: string;
}

/** The model's int8 variants (`models quantize`), best first: within the quality budget, then the smallest loss. */
async function int8Variants(parent: LoadedModel, dirs: ModelDirs): Promise<LoadedModel[]> {
  const variants = (await listModels(dirs)).filter(
    (m) => m.meta.quantizedFrom?.id === parent.meta.id && m.meta.quantizedFrom.format === 'int8',
  );
  const rank = (m: LoadedModel) => {
    const q = m.meta.quantizedFrom;
    return q ? (withinQualityBudget(q) ? 0 : 1000) + quantisationLoss(q) : Number.POSITIVE_INFINITY;
  };
  return variants.sort((a, b) => rank(a) - rank(b));
}

function lossText(model: LoadedModel): string {
  const q = model.meta.quantizedFrom;
  if (!q) return '';
  const loss = quantisationLoss(q);
  // Below half a thousandth the difference would print as "−0.000 dB", which reads like a glitch.
  const difference = Math.abs(loss) < 0.0005 ? 'within 0.001 dB of' : `${loss >= 0 ? '−' : '+'}${Math.abs(loss).toFixed(3)} dB against`;
  return `${difference} ${q.id} on ${calibrationPhotos(model)}`;
}

/**
 * The model to run for `model` at `precision`:
 * - `fp32`: the model, or the float32 parent of an int8 model;
 * - `int8`: the model if it is int8, else its best int8 variant (an error when it has none);
 * - `auto`: the best int8 variant within the quality budget where this CPU has int8 dot-product instructions,
 *   else the model as named (an int8 model named explicitly stays int8).
 */
export async function modelAtPrecision(
  model: LoadedModel,
  precision: Precision,
  dirs: ModelDirs,
  int8Cpu: boolean = hasInt8DotProduct(),
): Promise<PrecisionChoice> {
  const parentId = model.meta.quantizedFrom?.id;
  if (precision === 'fp32') {
    if (!parentId) return { model };
    const parent = await loadModel(parentId, dirs).catch(() => {
      throw new SrError(
        'UNKNOWN_MODEL',
        `${model.meta.id} is int8, and its float32 parent ${parentId} is not installed`,
        `Run ${model.meta.id} with --precision int8 or auto, or install ${parentId}.`,
      );
    });
    return { model: parent, note: `Using ${parent.meta.id}, the float32 parent of ${model.meta.id} (--precision fp32).` };
  }
  if (parentId) return { model };
  if (precision === 'auto' && !int8Cpu) return { model };
  const [best] = await int8Variants(model, dirs);
  if (precision === 'auto') {
    if (!best?.meta.quantizedFrom || !withinQualityBudget(best.meta.quantizedFrom)) return { model };
    return {
      model: best,
      note: `Using ${best.meta.id}, the int8 variant of ${model.meta.id} (${lossText(best)}); --precision fp32 runs ${model.meta.id} itself.`,
    };
  }
  if (!best) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${model.meta.id} has no int8 variant`,
      `Make one with \`srstudio models quantize ${model.meta.id}\`, or run it with --precision fp32.`,
    );
  }
  const slow = int8Cpu
    ? ''
    : ' This CPU has no int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI or ARM dotprod): int8 may be no faster than float32 here.';
  return { model: best, note: `Using ${best.meta.id}, the int8 variant of ${model.meta.id} (${lossText(best)}).${slow}` };
}
