import { z } from 'zod';
import { PRECISIONS } from '../../shared/model-meta.ts';
import { DEVICES, type Device } from '../models/execution-providers.ts';

/**
 * What a batch upscale was asked to do. It is stored as the job's params, so a resume (from the CLI or the
 * desktop app) runs with exactly the settings of the original run; parse it back with `UpscaleRequest.parse`.
 */
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp', 'avif', 'tiff'] as const;
export const OutputFormat = z.enum(OUTPUT_FORMATS);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** `keep`: the input's own format where we can encode it (heic becomes jpeg, gif png). */
export const FormatChoice = z.enum(['keep', ...OUTPUT_FORMATS]);
export type FormatChoice = z.infer<typeof FormatChoice>;

/**
 * What to do when a planned output file already exists and this job did not plan it:
 * - `refuse` (default): the batch does not start; the error lists the files, so nothing is silently replaced
 *   and a re-run does not litter the folder with "(2)" copies;
 * - `skip`: keep the existing file, record the input as skipped;
 * - `overwrite`: replace it.
 */
export const ExistingPolicy = z.enum(['refuse', 'skip', 'overwrite']);
export type ExistingPolicy = z.infer<typeof ExistingPolicy>;

export const DEFAULT_NAME_TEMPLATE = '{name}_x{scale}';

const UpscaleRequestFields = z.object({
  /** Absolute paths of files and folders, as given. */
  inputs: z.array(z.string().min(1)).min(1),
  /** Absolute output root. */
  outDir: z.string().min(1),
  recursive: z.boolean().default(false),
  scale: z.number().gt(0).max(16).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Model id or .onnx path; absent: the bundled default for the scale. */
  model: z.string().min(1).optional(),
  format: FormatChoice.default('keep'),
  quality: z.number().int().min(1).max(100).optional(),
  /** PNG compression effort (zlib level 0-9); absent: the encoder's default. */
  pngCompression: z.number().int().min(0).max(9).optional(),
  nameTemplate: z.string().min(1).default(DEFAULT_NAME_TEMPLATE),
  existing: ExistingPolicy.default('refuse'),
  tile: z.number().int().positive().optional(),
  device: z.enum(DEVICES as readonly Device[] as [Device, ...Device[]]).optional(),
  /** auto (absent): the model's int8 variant where the CPU has int8 dot products and it is within the quality budget. */
  precision: z.enum(PRECISIONS).optional(),
  /**
   * Restoration strength of a photo model, 0 (its clean parent: keep grain and texture) to 1 (full clean-up, the
   * default): a blend of the two models' weights (models/strength.ts).
   */
  strength: z.number().min(0).max(1).optional(),
  maxPixels: z.number().int().positive().optional(),
});

export const UpscaleRequest = UpscaleRequestFields.refine((r) => !(r.width !== undefined && r.height !== undefined), {
  message: 'Give --width or --height, not both: the other side follows the aspect ratio.',
}).refine((r) => !(r.scale !== undefined && (r.width !== undefined || r.height !== undefined)), {
  message: 'Give either --scale or a target --width/--height, not both.',
});
export type UpscaleRequest = z.infer<typeof UpscaleRequest>;
export type UpscaleRequestInput = z.input<typeof UpscaleRequest>;

/** What one file's upscale depends on besides its paths and the model: a queue job carries exactly this. */
export const UpscaleSettings = UpscaleRequestFields.pick({
  scale: true,
  width: true,
  height: true,
  tile: true,
  device: true,
  quality: true,
  pngCompression: true,
  maxPixels: true,
});
export type UpscaleSettings = z.infer<typeof UpscaleSettings>;

export function upscaleSettingsOf(request: UpscaleRequest): UpscaleSettings {
  const { scale, width, height, tile, device, quality, pngCompression, maxPixels } = request;
  return UpscaleSettings.parse({ scale, width, height, tile, device, quality, pngCompression, maxPixels });
}

/** How the output size is chosen, in the form the naming template and the ETA estimate need. */
export type Sizing = { kind: 'scale'; scale: number } | { kind: 'width'; width: number } | { kind: 'height'; height: number };

export function sizingOf(request: Pick<UpscaleRequest, 'scale' | 'width' | 'height'>, defaultScale: number): Sizing {
  if (request.width !== undefined) return { kind: 'width', width: request.width };
  if (request.height !== undefined) return { kind: 'height', height: request.height };
  return { kind: 'scale', scale: request.scale ?? defaultScale };
}

/** `{scale}` in names: "2", "1.5", or "w1920"/"h1080" when sizing to a target width/height. */
export function scaleLabel(sizing: Sizing): string {
  switch (sizing.kind) {
    case 'scale':
      return String(Number(sizing.scale.toFixed(3)));
    case 'width':
      return `w${sizing.width}`;
    case 'height':
      return `h${sizing.height}`;
  }
}

/** The output size for an input of w×h (for the ETA before decoding; upscalePhoto decides the real size). */
export function estimateOutputSize(width: number, height: number, sizing: Sizing): { width: number; height: number } {
  switch (sizing.kind) {
    case 'scale':
      return { width: Math.round(width * sizing.scale), height: Math.round(height * sizing.scale) };
    case 'width':
      return { width: sizing.width, height: Math.max(1, Math.round((height * sizing.width) / width)) };
    case 'height':
      return { width: Math.max(1, Math.round((width * sizing.height) / height)), height: sizing.height };
  }
}
