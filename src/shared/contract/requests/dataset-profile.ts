import { z } from 'zod';
import { EntityId, FsPath } from '../common.ts';
import { defineRequest } from '../define.ts';
import { SkippedFiles } from './datasets.ts';

/**
 * A data set's profile (`srstudio datasets profile`): how its photos were made, estimated from their JPEG headers
 * and pixels, with degradation recipes that match them. Units: JPEG quality on libjpeg's 1–100 scale; noise σ in
 * 8-bit levels (0–255); blur σ in the photos' own pixels.
 */
const Spread = z.object({ median: z.number(), low: z.number(), high: z.number() });

/**
 * A degradation recipe as JSON (the engine's recipe format, docs/degradation.md). The contract carries it whole; the
 * engine validates it with its own schema (RecipeSchema) wherever it takes one in, and answers BAD_ARGUMENT.
 */
export const RecipeJson = z.record(z.string(), z.unknown());

export const DatasetProfile = z.object({
  datasetId: EntityId,
  datasetName: z.string().max(200),
  createdAt: z.iso.datetime(),
  /** The profile in plain words. */
  summary: z.string().max(2000),
  photos: z.object({
    found: z.number().int().nonnegative(),
    read: z.number().int().nonnegative(),
    profiled: z.number().int().nonnegative(),
    skipped: SkippedFiles,
  }),
  jpeg: z
    .object({
      photos: z.number().int().nonnegative(),
      quality: Spread,
      standardTables: z.number().int().nonnegative(),
      subsampling: z.record(z.string().max(16), z.number().int().nonnegative()),
    })
    .nullable(),
  noise: z
    .object({
      photos: z.number().int().nonnegative(),
      luma: Spread,
      colour: Spread,
      /** Noise below these σ would not show after the photos' JPEG. */
      lumaHidden: z.number().nonnegative(),
      colourHidden: z.number().nonnegative(),
    })
    .nullable(),
  blur: z.object({ photos: z.number().int().nonnegative(), sigma: Spread, sharpness: z.string().max(40) }).nullable(),
  size: z.object({ width: z.number().int().nonnegative(), height: z.number().int().nonnegative(), megapixels: Spread }),
  /** The matching recipe for each training scale (its blur is in high-resolution pixels), keyed '2', '3', '4'. */
  recipes: z.record(z.enum(['2', '3', '4']), RecipeJson),
  /** The ×2 recipe as a file, for `srstudio train --degrade FILE`. */
  recipeFile: FsPath,
});
export type DatasetProfile = z.infer<typeof DatasetProfile>;

export const datasetProfileRequests = {
  'datasets.profile': defineRequest(
    z.object({ id: EntityId, sample: z.number().int().min(1).max(500).default(30) }).strict(),
    z.object({ profile: DatasetProfile }),
    "Profiles a data set's photos (a sample of them): JPEG quality, chroma, noise, blur, size, and matching recipes. Takes seconds to a minute.",
  ),
  'datasets.profiles': defineRequest(
    z.object({}).strict(),
    z.object({ profiles: z.array(DatasetProfile) }),
    'The latest profile of every data set that has one (the Train screen offers each as a degradation).',
  ),
} as const;
