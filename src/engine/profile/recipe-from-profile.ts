import { preset } from '../degrade/presets.ts';
import { type Recipe, RecipeSchema } from '../degrade/recipe.ts';
import { protocolBlur } from './calibration.ts';
import { COLOUR_NOISE_IN_LUMA } from './photo-profile.ts';
import type { PhotosSummary, Spread } from './summarise.ts';

/**
 * A degradation recipe that brackets a profile: the `photo` preset's structure (blur kernels, resize jitter, noise
 * kinds, one JPEG), with its ranges moved onto what the photos measured, wide enough that a model trained on it is
 * not tuned to one exact setting:
 * - JPEG quality: the photos' 10–90 % range, at least ±8 around the median; chroma subsampling in their proportions;
 *   a JPEG as often as the photos are JPEGs.
 * - Noise: ×0.5 to ×1.5 of the photos' range, split into grey and colour noise in the proportion measured; from 0
 *   when the photos' noise is within what their texture and JPEG mask.
 * - Blur: the photos' range, at least ±25 % around the median, converted to the high-resolution pixels the recipe
 *   blurs in: a model trained ×s sees its original blurred by σ_hr and then shrunk s×, which looks like a blur of
 *   √((σ_hr/s)² + σ0²) where σ0 is the look of the protocol's own downscale (calibration.ts), so
 *   σ_hr = s·√(σ² − σ0²).
 */

/** Poisson strength 1 gives σ ≈ 11.3 levels at mid grey (noise.ts): the strengths that give the same σ range. */
const POISSON_SIGMA_PER_UNIT = 11.3;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function jpegStep(summary: PhotosSummary, profiled: number): Recipe['stages'][number]['jpeg'] {
  const { jpeg } = summary;
  if (!jpeg) return undefined;
  const { median, low, high } = jpeg.quality;
  const quality: [number, number] = [
    Math.round(clamp(Math.min(low, median - 8), 1, 100)),
    Math.round(clamp(Math.max(high, median + 8), 1, 100)),
  ];
  const full = (jpeg.subsampling['4:4:4'] ?? 0) + (jpeg.subsampling.grey ?? 0);
  return {
    p: round2(clamp(jpeg.photos / Math.max(1, profiled), 0, 1)),
    quality,
    chroma: { '4:2:0': round2((jpeg.photos - full) / jpeg.photos), '4:4:4': round2(full / jpeg.photos) },
  };
}

/** Grey noise is what luma has beyond colour noise's share of it. */
function greyPart(luma: number, colour: number): number {
  return Math.sqrt(Math.max(0, luma * luma - (COLOUR_NOISE_IN_LUMA * colour) ** 2));
}

function noiseStep(summary: PhotosSummary, base: NonNullable<Recipe['stages'][number]['noise']>): Recipe['stages'][number]['noise'] {
  const { noise } = summary;
  if (!noise) return base;
  const grey: Spread = {
    median: greyPart(noise.luma.median, noise.colour.median),
    low: greyPart(noise.luma.low, noise.colour.low),
    high: greyPart(noise.luma.high, noise.colour.high),
  };
  // Noise that texture and the JPEG's artefacts mask cannot be told from none: then anything up to that matches.
  const masked = Math.max(noise.lumaHidden, 0.5);
  const present = [grey, noise.colour].filter((s) => s.median >= 0.3);
  if (noise.luma.median <= masked || present.length === 0) {
    const high = round2(Math.max(masked, 1.5 * noise.luma.median));
    return { ...base, sigma: [0, high], poisson: [0, round2(high / POISSON_SIGMA_PER_UNIT)] };
  }
  const low = 0.5 * Math.min(...present.map((s) => Math.min(s.low, s.median)));
  const high = clamp(1.5 * Math.max(...present.map((s) => Math.max(s.high, s.median))), low, 60);
  const greyShare = grey.median / (grey.median + noise.colour.median);
  return {
    ...base,
    sigma: [round2(low), round2(high)],
    poisson: [round2(clamp(low / POISSON_SIGMA_PER_UNIT, 0, 5)), round2(clamp(high / POISSON_SIGMA_PER_UNIT, 0, 5))],
    grey: round2(greyShare),
  };
}

/** The blur σ (high-resolution pixels) that makes a sharp original look blurred by `sigma` after a ×`scale` downscale. */
export async function highResBlur(sigma: number, scale: number): Promise<number> {
  const protocol = await protocolBlur(scale);
  return scale * Math.sqrt(Math.max(0, sigma * sigma - protocol * protocol));
}

async function blurStep(
  summary: PhotosSummary,
  scale: number,
  base: NonNullable<Recipe['stages'][number]['blur']>,
): Promise<Recipe['stages'][number]['blur']> {
  const { blur } = summary;
  if (!blur) return base;
  const { median, low, high } = blur.sigma;
  const lowHr = clamp(await highResBlur(Math.min(low, 0.75 * median), scale), 0.05, 10);
  const highHr = clamp(await highResBlur(Math.max(high, 1.25 * median), scale), lowHr, 10);
  // Photos that measure as sharp as the protocol's own downscale need (almost) no extra blur.
  const p = highHr < 0.3 ? 0.3 : base.p;
  return { ...base, p, sigma: [round2(lowHr), round2(Math.max(highHr, lowHr + 0.05))] };
}

export interface ProfileRecipeOptions {
  /** The training scale the blur is converted for (a recipe blurs the high-resolution original). */
  scale: number;
  name: string;
  description: string;
}

/** The recipe for a profile at one training scale; validated by RecipeSchema (a failure here is a bug). */
export async function recipeFromProfile(summary: PhotosSummary, profiled: number, options: ProfileRecipeOptions): Promise<Recipe> {
  const photo = preset('photo').recipe;
  const [stage] = photo.stages;
  if (!stage.blur || !stage.noise) throw new Error('the photo preset has lost its blur or noise step');
  const recipe = {
    ...photo,
    name: options.name.slice(0, 80),
    description: options.description.slice(0, 2000),
    stages: [
      {
        ...stage,
        blur: await blurStep(summary, options.scale, stage.blur),
        noise: noiseStep(summary, stage.noise),
        jpeg: jpegStep(summary, profiled),
      },
    ],
  };
  return RecipeSchema.parse(recipe);
}
