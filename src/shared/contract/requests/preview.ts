import { z } from 'zod';
import { EntityId, FsPath, ImageRef, Interpolation, Scale, Scores } from '../common.ts';
import { defineRequest } from '../define.ts';

export const PreviewMethod = z.union([z.object({ model: EntityId }), z.object({ interpolation: Interpolation })]);

export const PreviewRegion = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().min(8).max(2048),
  height: z.number().int().min(8).max(2048),
});

export const previewRequests = {
  'preview.tiles': defineRequest(
    z
      .object({
        image: FsPath,
        /** In source (low-resolution) pixels. */
        region: PreviewRegion,
        scale: Scale,
        methods: z.array(PreviewMethod).min(1).max(12),
        /** With a ground truth, the image is degraded first and every tile is scored against the truth. */
        groundTruth: FsPath.optional(),
      })
      .strict(),
    z.object({
      source: ImageRef,
      truth: ImageRef.optional(),
      tiles: z.array(z.object({ method: PreviewMethod, image: ImageRef, seconds: z.number().nonnegative(), scores: Scores.optional() })),
    }),
    'Renders one region with several methods, as image files in the tile cache.',
  ),
} as const;
