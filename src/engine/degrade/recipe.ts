import { z } from 'zod';

/**
 * A degradation recipe: how a clean high-resolution image becomes a training or evaluation input that looks like a
 * real photo. It is data (JSON, validated here), so a run, a checkpoint and a model card can record exactly what a
 * model was trained on, and a user can write their own (or have `datasets profile` write one for their photos).
 *
 * A recipe is one or two stages, each: blur → resize → noise → sharpen → JPEG (Real-ESRGAN's order, with a camera's
 * sharpening before its JPEG; see docs/degradation.md).
 * Every step has a probability `p` and ranges that values are drawn from uniformly, per sample.
 * Units: blur σ in pixels of the image the stage blurs (HR pixels in stage 1); noise σ in 8-bit levels (0–255);
 * JPEG quality on libjpeg's 1–100 scale.
 */

/** [low, high], both inside [min, max]. */
function range(min: number, max: number, what: string) {
  return z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([low, high]) => low <= high, `${what}: the first number is the low end, so it cannot be above the second`);
}

const probability = z.number().min(0).max(1);
const weight = z.number().min(0).max(1000);

export const BLUR_FAMILIES = ['gaussian', 'generalized', 'plateau', 'sinc'] as const;
export type BlurFamily = (typeof BLUR_FAMILIES)[number];

const BlurStep = z
  .object({
    p: probability,
    /** Relative weights of the kernel families (they need not sum to 1). */
    kernels: z
      .object({ gaussian: weight.default(0), generalized: weight.default(0), plateau: weight.default(0), sinc: weight.default(0) })
      .strict()
      .refine((k) => k.gaussian + k.generalized + k.plateau + k.sinc > 0, 'at least one blur kernel family needs a weight above 0'),
    /** Standard deviation along each axis of the Gaussian-type kernels, in pixels. */
    sigma: range(0.05, 10, 'blur.sigma'),
    /** Share of Gaussian-type kernels with two different σ and a random rotation. */
    anisotropic: probability.default(0),
    /** Shape of the generalized Gaussian: exp(−½·d^β); β < 1 has heavy tails, β > 1 a flat top. */
    beta: range(0.25, 8, 'blur.beta').default([0.5, 4]),
    /** Shape of the plateau kernel 1 / (1 + d^β). */
    plateauBeta: range(0.5, 4, 'blur.plateauBeta').default([1, 2]),
    /** Cut-off of the sinc (circular low-pass) kernel, in radians per pixel: π keeps everything, lower rings more. */
    sincCutoff: range(0.3, Math.PI, 'blur.sincCutoff').default([Math.PI / 3, Math.PI]),
  })
  .strict();

export const RESIZE_FILTERS = ['bicubic', 'bilinear', 'area'] as const;
export type ResizeFilter = (typeof RESIZE_FILTERS)[number];

const ResizeStep = z
  .object({
    /** Filters drawn from uniformly (MATLAB imresize with antialiasing; area is the box filter). */
    filters: z.array(z.enum(RESIZE_FILTERS)).min(1),
    /**
     * The stage's output size relative to the final low-resolution size: 1 is exactly the target, 0.9 a little
     * smaller (the last stage then resizes once more, to the exact size, before its noise and JPEG).
     */
    factor: range(0.1, 4, 'resize.factor'),
  })
  .strict();

const NoiseStep = z
  .object({
    p: probability,
    /** Share of Gaussian noise; the rest is Poisson (shot) noise. */
    gaussian: probability.default(1),
    /** Gaussian σ in 8-bit levels. */
    sigma: range(0, 60, 'noise.sigma'),
    /** Poisson strength: 1 gives σ ≈ 11.3 levels at mid grey, and less in the shadows (Real-ESRGAN's scale). */
    poisson: range(0, 5, 'noise.poisson').default([0.05, 1]),
    /** Share of grey (luminance-only) noise; the rest is colour noise, independent per channel. */
    grey: probability.default(0.4),
  })
  .strict();

const SharpenStep = z
  .object({
    p: probability,
    /** How many times the detail (the image minus its blur) is added back: 0.5 is mild, 1.5 a phone's strong setting. */
    amount: range(0, 4, 'sharpen.amount'),
    /** σ of the unsharp mask's Gaussian, in pixels of the image sharpened (the stage's output). */
    radius: range(0.3, 3, 'sharpen.radius'),
  })
  .strict();

export const CHROMA_SUBSAMPLING = ['4:2:0', '4:4:4'] as const;
export type ChromaSubsampling = (typeof CHROMA_SUBSAMPLING)[number];

const JpegStep = z
  .object({
    p: probability,
    quality: range(1, 100, 'jpeg.quality'),
    /** Relative weights of the chroma subsampling modes. */
    chroma: z
      .object({ '4:2:0': weight.default(1), '4:4:4': weight.default(0) })
      .strict()
      .refine((c) => c['4:2:0'] + c['4:4:4'] > 0, 'at least one chroma subsampling mode needs a weight above 0')
      .default({ '4:2:0': 1, '4:4:4': 0 }),
  })
  .strict();

const Stage = z
  .object({
    /** Probability that the stage runs at all (the first stage always runs). */
    p: probability.default(1),
    blur: BlurStep.optional(),
    resize: ResizeStep,
    noise: NoiseStep.optional(),
    /** Unsharp masking of the luminance after the noise, before the JPEG, as phones and cameras do. */
    sharpen: SharpenStep.optional(),
    jpeg: JpegStep.optional(),
  })
  .strict();

const Target = z
  .object({
    /**
     * Training photos that are JPEGs are first shrunk by this factor with an area filter (1: kept as they are), so
     * that the target is cleaner than the input: their own blocks and noise average out instead of being learned as
     * detail (docs/degradation.md measures it).
     */
    jpegSourceDownscale: z.number().min(1).max(4).default(1),
  })
  .strict();

export const RecipeSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(80).optional(),
    description: z.string().max(2000).optional(),
    stages: z
      .array(Stage)
      .min(1)
      .max(2)
      .refine((stages) => stages.length === 0 || stages[0].p === 1, 'the first stage always runs: leave out its "p" or set it to 1'),
    target: Target.default({ jpegSourceDownscale: 1 }),
  })
  .strict();

export type Recipe = z.infer<typeof RecipeSchema>;
export type RecipeStage = Recipe['stages'][number];
export type BlurRecipe = NonNullable<RecipeStage['blur']>;
export type NoiseRecipe = NonNullable<RecipeStage['noise']>;
export type SharpenRecipe = NonNullable<RecipeStage['sharpen']>;
export type JpegRecipe = NonNullable<RecipeStage['jpeg']>;

/** A zod issue as one line a person can act on: where in the JSON, and what is wrong. */
export function describeRecipeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : '(the whole recipe)';
  return `${where}: ${issue.message}`;
}
