import type { Rng } from '../seeded-random.ts';
import type { JpegSpec } from './jpeg.ts';
import { type BlurKernel, drawKernel, weightedChoice } from './kernels.ts';
import type { NoiseSpec } from './noise.ts';
import type { NoiseRecipe, Recipe, RecipeStage, ResizeFilter, SharpenRecipe } from './recipe.ts';
import type { SharpenSpec } from './sharpen.ts';

/** One stage's concrete settings for one image: what the recipe's ranges came out as. */
export interface StagePlan {
  /** The recipe stage this plan is for (a stage that does not run is left out of a plan). */
  index: number;
  blur: BlurKernel | null;
  /** The stage's output size, before the last stage's final resize to the exact target. */
  width: number;
  height: number;
  filter: ResizeFilter;
  /** Last stage only: the filter of the final resize to the target size, when the stage ends at another size. */
  finish: ResizeFilter | null;
  noise: NoiseSpec | null;
  sharpen: SharpenSpec | null;
  jpeg: JpegSpec | null;
}

/** Everything drawn for one image; the same recipe, seed and sizes always give the same plan. */
export interface DegradePlan {
  stages: StagePlan[];
  target: { width: number; height: number };
}

function uniform(rng: Rng, [low, high]: readonly [number, number]): number {
  return low + (high - low) * rng.next();
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

function drawNoise(rng: Rng, noise: NoiseRecipe): NoiseSpec {
  const gaussian = rng.next() < noise.gaussian;
  const grey = rng.next() < noise.grey;
  const sigma = uniform(rng, noise.sigma);
  const scale = uniform(rng, noise.poisson);
  return gaussian ? { kind: 'gaussian', sigma, grey } : { kind: 'poisson', scale, grey };
}

/** The unsharp mask's settings, or null when the step does not run (its values are drawn either way). */
function drawSharpen(rng: Rng, sharpen: SharpenRecipe): SharpenSpec | null {
  const on = rng.next() < sharpen.p;
  const amount = uniform(rng, sharpen.amount);
  const radius = uniform(rng, sharpen.radius);
  return on ? { amount, radius } : null;
}

function drawStage(rng: Rng, stage: RecipeStage, index: number, last: boolean, target: { width: number; height: number }): StagePlan {
  // Every draw happens whether or not its step runs, so one step's probability never shifts another step's values.
  const blurOn = rng.next() < (stage.blur?.p ?? 0);
  const blur = stage.blur ? drawKernel(rng, stage.blur) : null;
  const factor = uniform(rng, stage.resize.factor);
  const filter = pick(rng, stage.resize.filters);
  const finish = pick(rng, stage.resize.filters);
  const noiseOn = rng.next() < (stage.noise?.p ?? 0);
  const noise = stage.noise ? drawNoise(rng, stage.noise) : null;
  const jpegOn = rng.next() < (stage.jpeg?.p ?? 0);
  const quality = stage.jpeg ? Math.round(uniform(rng, stage.jpeg.quality)) : 0;
  const chroma = stage.jpeg ? weightedChoice(rng, stage.jpeg.chroma) : '4:2:0';
  // Drawn last, and only when the stage has the step: a recipe without it degrades to the bytes it always gave.
  const sharpen = stage.sharpen ? drawSharpen(rng, stage.sharpen) : null;
  const width = Math.max(1, Math.round(target.width * factor));
  const height = Math.max(1, Math.round(target.height * factor));
  const resized = width !== target.width || height !== target.height;
  return {
    index,
    blur: blurOn ? blur : null,
    width,
    height,
    filter,
    finish: last && resized ? finish : null,
    noise: noiseOn && noise && !(noise.kind === 'gaussian' && noise.sigma === 0) ? noise : null,
    sharpen: sharpen && sharpen.amount > 0 ? sharpen : null,
    jpeg: jpegOn ? { quality: Math.min(100, Math.max(1, quality)), chroma } : null,
  };
}

/**
 * Draws the plan that degrades an image to `target` (the low-resolution size). Stages after the first run with their
 * own probability; a stage that does not run is left out of the plan.
 */
export function drawPlan(rng: Rng, recipe: Recipe, target: { width: number; height: number }): DegradePlan {
  const stages: StagePlan[] = [];
  const runs = recipe.stages.map((stage, i) => i === 0 || rng.next() < stage.p);
  const lastRun = runs.lastIndexOf(true);
  recipe.stages.forEach((stage, i) => {
    const plan = drawStage(rng, stage, i, i === lastRun, target);
    if (runs[i]) stages.push(plan);
  });
  return { stages, target };
}
