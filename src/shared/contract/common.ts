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
export const Provider = z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'tensorrt']);

export const Scores = z.object({ psnr: z.number().nullable(), ssim: z.number() });

export const Empty = z.object({}).strict();

/** `null` for "not known yet", never NaN or Infinity (JSON cannot carry them). */
export const Seconds = z.number().nonnegative().nullable();
