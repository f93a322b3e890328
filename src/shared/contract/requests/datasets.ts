import { z } from 'zod';
import { EntityId, FsPath, ImageRef } from '../common.ts';
import { defineRequest } from '../define.ts';

/** A data set as the engine keeps it (src/engine/datasets): photos referenced in place from one or more folders. */
export const DatasetSummary = z.object({
  id: EntityId,
  name: z.string().max(200),
  status: z.enum(['importing', 'ready', 'interrupted']),
  /** Folders (or single files) the data set is built from, absolute. */
  roots: z.array(FsPath),
  /** Training patch size: smaller images are skipped. */
  patchSize: z.number().int().positive(),
  imageCount: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  splits: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative() }),
  createdAt: z.iso.datetime(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

const DatasetRef = z.object({ id: EntityId }).strict();

/** Files left out of an import or a profile, each with why (the first 1,000), so the user can fix or ignore them. */
export const SkippedFiles = z
  .array(z.object({ path: FsPath, reason: z.string().max(500) }))
  .max(1000)
  .default([]);

export const datasetRequests = {
  'datasets.create': defineRequest(
    z
      .object({
        name: z.string().min(1).max(200),
        paths: z.array(FsPath).min(1).max(1000),
        recursive: z.boolean().default(false),
        patchSize: z.number().int().min(1).max(4096).optional(),
      })
      .strict(),
    z.object({
      dataset: DatasetSummary,
      added: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
      skippedFiles: SkippedFiles,
    }),
    'Registers folders of images as a data set and imports them (photos are referenced, never copied).',
  ),
  'datasets.add': defineRequest(
    z.object({ id: EntityId, paths: z.array(FsPath).min(1).max(1000), recursive: z.boolean().default(false) }).strict(),
    z.object({
      dataset: DatasetSummary,
      added: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
      skippedFiles: SkippedFiles,
    }),
    'Adds folders or single images to a data set and imports the new photos.',
  ),
  'datasets.remove': defineRequest(
    z.object({ id: EntityId, paths: z.array(FsPath).min(1).max(1000) }).strict(),
    z.object({ dataset: DatasetSummary, removedRoots: z.number().int().nonnegative(), removedImages: z.number().int().nonnegative() }),
    'Removes folders or single images from a data set (the files stay on disk).',
  ),
  'datasets.list': defineRequest(z.object({}).strict(), z.object({ datasets: z.array(DatasetSummary) }), 'Every data set.'),
  'datasets.show': defineRequest(
    DatasetRef.extend({ offset: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(1000).default(200) }),
    z.object({
      dataset: DatasetSummary,
      images: z.array(
        z.object({
          path: FsPath,
          width: z.number().int(),
          height: z.number().int(),
          split: z.enum(['train', 'val']).nullable(),
          missing: z.boolean(),
        }),
      ),
    }),
    'One data set and a page of its images.',
  ),
  'datasets.split': defineRequest(
    DatasetRef.extend({
      fractions: z
        .record(z.string().min(1).max(64), z.number().min(0).max(1))
        .refine((f) => Object.keys(f).length > 0, 'at least one split'),
      seed: z.number().int().default(1),
    }),
    z.object({ dataset: DatasetSummary }),
    'Assigns images to named splits (e.g. train/val) reproducibly.',
  ),
  'datasets.rescan': defineRequest(
    DatasetRef,
    z.object({ dataset: DatasetSummary, added: z.number().int(), removed: z.number().int() }),
    'Re-reads the folder.',
  ),
  'datasets.rm': defineRequest(DatasetRef, z.object({ removed: z.boolean() }), 'Forgets a data set (the image files stay).'),
  'datasets.export': defineRequest(
    DatasetRef.extend({ to: FsPath }),
    z.object({ path: FsPath }),
    'Writes the data set manifest (file list, splits) to a file.',
  ),
  'datasets.import': defineRequest(
    z.object({ from: FsPath }).strict(),
    z.object({ dataset: DatasetSummary }),
    'Registers a data set from a manifest.',
  ),
  'datasets.thumbnails': defineRequest(
    DatasetRef.extend({ paths: z.array(FsPath).min(1).max(500), size: z.number().int().min(32).max(512).default(160) }),
    z.object({ thumbnails: z.array(z.object({ source: FsPath, thumbnail: ImageRef })) }),
    'Thumbnail files in the store, for the grid view.',
  ),
} as const;
