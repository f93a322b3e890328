/**
 * The dataset manager: folders of photos referenced (never copied), de-duplicated by content, split for training.
 *
 * Decisions, in one place:
 * - Identity is the SHA-256 of the file's bytes (streamed). Two files with the same bytes are one image.
 * - Skips (non-image extension, unreadable, empty, corrupt, smaller than the patch, duplicates, removed photos)
 *   are returned by every scan and kept in `dataset_skips` with a readable reason.
 * - A vanished photo is flagged `missing`, never dropped. Healing: every scan matches new files against missing
 *   rows by hash, so photos moved *within* the dataset's folders are found automatically. When a whole root
 *   folder moved, we do not search the disk for it: `rescan --root OLD=NEW` rewrites the paths, then the scan
 *   verifies each photo by hash.
 * - Split: NULL (never split) counts as train. `randomSplit` orders by hash, then shuffles with a seeded PRNG,
 *   so the same photos and seed give the same split on any machine.
 * - Patch count (stats): the SRCNN grid, per image (⌊(W−P)/S⌋+1)·(⌊(H−P)/S⌋+1), P=33, S=14 by default.
 * - An import writes batches in IMMEDIATE transactions with status 'importing'; a killed import is marked
 *   'interrupted' at the next start and `rescanDataset` resumes it (committed files are not re-read).
 */
export {
  addToDataset,
  createDataset,
  deleteDataset,
  getDataset,
  listDatasets,
  markInterruptedImports,
  removeFromDataset,
  rescanDataset,
} from './datasets.ts';
export { datasetImagePaths } from './image-paths.ts';
export { exportManifest, importManifest } from './manifest.ts';
export { previewPatches } from './patch-preview.ts';
export { assignSplit, randomSplit } from './split.ts';
export { datasetStats, patchesInImage, SRCNN_PATCH_GRID } from './stats.ts';
export { thumbnailPath } from './thumbnails.ts';
export * from './types.ts';
