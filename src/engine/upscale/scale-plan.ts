import { SrError } from '../errors.ts';
import type { LoadedModel } from '../models/loaded-model.ts';

export interface TargetRequest {
  scale?: number;
  width?: number;
  height?: number;
}

export interface ScalePlan {
  width: number;
  height: number;
  /** The native model to run and how many times, so that its total scale reaches the target. */
  model: LoadedModel;
  passes: number;
  /** Size after the model passes; a lanczos3 downscale brings it to width×height when they differ. */
  modelWidth: number;
  modelHeight: number;
}

const MAX_PASSES = 4;

function positiveInt(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw new SrError('BAD_ARGUMENT', `--${name} must be a whole number of pixels ≥ 1, got ${value}`, `Pass e.g. --${name} 3000.`);
  return value;
}

/** The exact output size: --width/--height (one keeps the aspect ratio), else --scale, else the model's scale. */
export function targetSize(
  srcWidth: number,
  srcHeight: number,
  request: TargetRequest,
  defaultScale: number,
): { width: number; height: number } {
  const width = positiveInt(request.width, 'width');
  const height = positiveInt(request.height, 'height');
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: Math.max(1, Math.round((srcHeight * width) / srcWidth)) };
  if (height !== undefined) return { width: Math.max(1, Math.round((srcWidth * height) / srcHeight)), height };
  const scale = request.scale ?? defaultScale;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 16)
    throw new SrError('BAD_ARGUMENT', `--scale must be a number in (0, 16], got ${scale}`, 'Pass e.g. --scale 2 or --scale 1.5.');
  return { width: Math.max(1, Math.round(srcWidth * scale)), height: Math.max(1, Math.round(srcHeight * scale)) };
}

/**
 * Picks how to reach a target size with native models only (running a model at a scale it was not trained
 * for gives garbage): the smallest candidate whose native scale is at least the needed scale, once; if none
 * is large enough, the largest one repeatedly until the product is. Candidates must share the first model's
 * colour mode and architecture family.
 */
export function planScale(
  srcWidth: number,
  srcHeight: number,
  request: TargetRequest,
  model: LoadedModel,
  alternatives: LoadedModel[] = [],
): ScalePlan {
  const { width, height } = targetSize(srcWidth, srcHeight, request, model.meta.scale);
  const needed = Math.max(width / srcWidth, height / srcHeight);
  const family = [
    model,
    ...alternatives.filter((m) => m.meta.colorMode === model.meta.colorMode && m.meta.architecture === model.meta.architecture),
  ];
  const sufficient = family.filter((m) => m.meta.scale >= needed - 1e-9).sort((a, b) => a.meta.scale - b.meta.scale);
  let chosen: LoadedModel;
  let passes = 1;
  if (sufficient.length > 0) {
    chosen = sufficient[0];
  } else {
    chosen = family.reduce((best, m) => (m.meta.scale > best.meta.scale ? m : best));
    if (chosen.meta.scale < 2)
      throw new SrError(
        'BAD_ARGUMENT',
        `${chosen.meta.id} has scale ×1 and cannot enlarge to ×${needed.toFixed(2)}`,
        'Choose a model with scale ≥ 2.',
      );
    while (chosen.meta.scale ** passes < needed - 1e-9) passes++;
  }
  if (passes > MAX_PASSES) {
    throw new SrError(
      'TOO_LARGE',
      `×${needed.toFixed(2)} would need ${passes} passes of ${chosen.meta.id} (×${chosen.meta.scale})`,
      `Ask for at most ×${chosen.meta.scale ** MAX_PASSES}.`,
    );
  }
  const total = chosen.meta.scale ** passes;
  return { width, height, model: chosen, passes, modelWidth: srcWidth * total, modelHeight: srcHeight * total };
}
