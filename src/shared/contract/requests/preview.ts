import { z } from 'zod';
import { EntityId, FsPath, ImageRef, Interpolation, Scale, Scores } from '../common.ts';
import { defineRequest } from '../define.ts';

export const PreviewMethod = z.union([
  /** `strength`: a photo model's restoration strength, 0..1 (absent: 1); only for a model that has a clean partner. */
  z.object({ model: EntityId, strength: z.number().min(0).max(1).optional() }).strict(),
  z.object({ interpolation: Interpolation }).strict(),
]);

export const PreviewRegion = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().min(8).max(2048),
  height: z.number().int().min(8).max(2048),
});

const previewTilesFields = {
  image: FsPath,
  /** In source (low-resolution) pixels; in evaluate mode, pixels of the degraded photo (the truth region is ×scale). */
  region: PreviewRegion,
  scale: Scale,
  methods: z.array(PreviewMethod).min(1).max(12),
  /** With a ground truth, the image is degraded first and every tile is scored against the truth. */
  groundTruth: FsPath.optional(),
  /** Evaluate mode with `image` as its own ground truth (the same as `groundTruth: image`). */
  evaluate: z.boolean().optional(),
};

export const PreviewTilesParams = z.object(previewTilesFields).strict();

export const previewRequests = {
  'preview.tiles': defineRequest(
    PreviewTilesParams,
    z.object({
      source: ImageRef,
      truth: ImageRef.optional(),
      tiles: z.array(
        z.object({
          method: PreviewMethod,
          image: ImageRef,
          seconds: z.number().nonnegative(),
          scores: Scores.optional(),
          /** Evaluate mode: the tile with the highest PSNR (then SSIM). */
          best: z.boolean().optional(),
        }),
      ),
    }),
    'Renders one region with several methods, as image files in the tile cache.',
  ),
  'preview.samplePhoto': defineRequest(
    z.object({ inputs: z.array(FsPath).min(1).max(100_000), recursive: z.boolean().default(false) }).strict(),
    /** Its size as the preview sees it (EXIF orientation applied); null when no input holds a readable photo. */
    z.object({ photo: ImageRef.nullable() }),
    'The photo the Upscale screen previews a model on: the first one (by path) that a batch of these inputs would upscale.',
  ),
  'preview.display': defineRequest(
    z.object({ image: FsPath }).strict(),
    z.object({ image: ImageRef }),
    'The photo as the UI can show it: the file itself, or a full-size JPEG copy of a TIFF or HEIC, which browsers cannot show.',
  ),
  'preview.export': defineRequest(
    z.object({ ...previewTilesFields, to: FsPath }).strict(),
    z.object({ image: ImageRef }),
    'Writes the comparison as one labelled PNG (methods side by side, with PSNR/SSIM when evaluated) to a chosen .png path.',
  ),
} as const;
