import { z } from 'zod';

/** Ids chosen by the engine or the user (models, jobs, datasets, runs): short, path-safe. */
export const EntityId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash, underscore (max 128)');

/** An absolute or relative filesystem path chosen by the user. The engine resolves and checks it; no NUL bytes. */
export const FsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

/** Pixels never travel as JSON: a result names an image file that the UI loads through the restricted image protocol. */
export const ImageRef = z.object({
  path: FsPath,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type ImageRef = z.infer<typeof ImageRef>;

export const Scale = z.number().int().min(1).max(16);
export const Interpolation = z.enum(['nearest', 'bilinear', 'bicubic', 'lanczos3', 'matlab-bicubic']);
/** `keep`: the input's own format where it can be encoded. */
export const OutputFormat = z.enum(['keep', 'png', 'jpeg', 'webp', 'avif', 'tiff']);

/**
 * What a batch is encoded with when it names no quality or PNG effort (the engine's encoder and the Upscale screen
 * both read these). JPEG 92 with 4:4:4 chroma adds no visible loss (about 48 dB PSNR against the lossless output);
 * PNG level 3 with adaptive filters writes upscaled photos about 40% smaller than zlib's level 6 alone, in about the
 * same time (docs/benchmarks.md, bench:batch).
 */
export const OUTPUT_DEFAULTS = { quality: { jpeg: 92, webp: 90, avif: 70 }, pngCompression: 3 } as const;
export const Provider = z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'tensorrt']);

export const Scores = z.object({ psnr: z.number().nullable(), ssim: z.number() });

export const Empty = z.object({}).strict();

/** `null` for "not known yet", never NaN or Infinity (JSON cannot carry them). */
export const Seconds = z.number().nonnegative().nullable();
