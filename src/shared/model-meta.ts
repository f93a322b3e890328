import { z } from 'zod';

/**
 * What SR Studio knows about a model. It travels inside the ONNX file as metadata_props (key `srstudio`,
 * one JSON value), so a model file is self-describing wherever it is copied.
 */
export const ModelScores = z.record(
  z.string(), // data set and scale, e.g. "set5-x3"
  z.object({ psnr: z.number().nullable(), ssim: z.number() }),
);

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
});
export type ModelMeta = z.infer<typeof ModelMeta>;

export const MODEL_META_KEY = 'srstudio';
