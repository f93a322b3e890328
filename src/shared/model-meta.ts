import { z } from 'zod';

/**
 * What SR Studio knows about a model. It travels inside the ONNX file as metadata_props (key `srstudio`,
 * one JSON value), so a model file is self-describing wherever it is copied.
 */
export const ModelScores = z.record(
  z.string(), // data set and scale, e.g. "set5-x3"
  z.object({ psnr: z.number().nullable(), ssim: z.number() }),
);

/** A model that these weights started from (`srstudio train --init`), with the training time behind it. */
export const ModelAncestor = z.object({
  id: z.string().min(1).max(64),
  /** sha256 of the ancestor's .onnx file as it was when training started from it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Training seconds behind the ancestor's weights (its own ancestors' included); null where it never recorded them. */
  trainingSeconds: z.number().nonnegative().nullable(),
});
export type ModelAncestor = z.infer<typeof ModelAncestor>;

/** `--precision` of an upscale: `auto` runs a model's int8 variant where the CPU has int8 dot products and the variant keeps the quality budget. */
export const PRECISIONS = ['auto', 'fp32', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** How much validation PSNR a quantised model may lose against its float32 parent and still be offered by default. */
export const QUALITY_BUDGET_DB = 0.1;

/**
 * The lineage of a quantised model (`srstudio models quantize`): its float32 parent, what calibrated it, and both
 * models' scores on that same set of photos, measured in the same run with the same protocol.
 */
export const QuantizedFrom = z.object({
  /** The float32 model's id. */
  id: z.string().min(1).max(64),
  format: z.enum(['int8']),
  /** What calibrated the activations and scored both models: a folder, or `dataset:ID (name, N photos)`. */
  calibration: z.string().min(1).max(500),
  photos: z.number().int().positive(),
  patches: z.number().int().positive(),
  /** Mean Y PSNR/SSIM over those photos (SR protocol, shave = scale), of this model and of its parent. */
  psnr: z.number(),
  ssim: z.number(),
  parentPsnr: z.number(),
  parentSsim: z.number(),
  /** The convolutions left in float32, each with why ("conv_19 (1→9 5×5): a linear path from the input…"). */
  floatLayers: z.array(z.string().max(300)).max(256).default([]),
});
export type QuantizedFrom = z.infer<typeof QuantizedFrom>;

/** dB this quantised model loses against its parent on its validation set (positive: worse). */
export function quantisationLoss(q: QuantizedFrom): number {
  return q.parentPsnr - q.psnr;
}

/** A quantised model more than the budget below its parent is flagged, and not made a default unless the user insists. */
export function withinQualityBudget(q: QuantizedFrom): boolean {
  return quantisationLoss(q) <= QUALITY_BUDGET_DB + 1e-9;
}

export const ModelMeta = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, dot, dash, underscore'),
  name: z.string().min(1).max(200),
  /** e.g. "srcnn-9-5-5", "fsrcnn-56-12-4", "espcn", or "imported". */
  architecture: z.string().min(1).max(100),
  /** The model's native upscaling factor. */
  scale: z.number().int().min(1).max(16),
  /** `y`: works on the Y channel, CbCr by bicubic; `rgb`: works on all three channels. */
  colorMode: z.enum(['y', 'rgb']),
  /** `upsampled`: input is bicubic-upsampled to the output size (SRCNN); `lr`: input is the low-resolution image. */
  inputKind: z.enum(['upsampled', 'lr']),
  /** Pixel values as the model sees them. */
  valueRange: z.tuple([z.number(), z.number()]).default([0, 1]),
  /** Receptive-field radius in input pixels: tiles get at least this much halo. */
  halo: z.number().int().min(0).max(512),
  provenance: z.string().max(4000).default(''),
  scores: ModelScores.default({}),
  /**
   * Seconds of training behind these weights, every warm-start ancestor's included: what a training budget counts.
   * Absent for models that never recorded it (imported ones, older exports).
   */
  trainingSeconds: z.number().nonnegative().optional(),
  /** Warm-start ancestors, nearest first: the model these weights started from, the one that started from, … */
  lineage: z.array(ModelAncestor).max(32).optional(),

  /**
   * What the model was trained to undo: the real-photo degradation recipe of its training run (`train --degrade`),
   * by name and whole (the engine's recipe format). Absent: the benchmark protocol's clean bicubic inputs.
   */
  degradation: z.object({ name: z.string().min(1).max(80), recipe: z.record(z.string(), z.unknown()) }).optional(),

  /** Set on quantised models: the float32 parent, and the quality they were measured to keep. */
  quantizedFrom: QuantizedFrom.optional(),
});
export type ModelMeta = z.infer<typeof ModelMeta>;

export const MODEL_META_KEY = 'srstudio';
