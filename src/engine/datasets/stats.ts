import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';

export interface PatchGrid {
  patch: number;
  stride: number;
}

/** SRCNN (Dong et al. 2014, §4.1): 33×33 sub-images cropped from the 91 training images with a stride of 14. */
export const SRCNN_PATCH_GRID: PatchGrid = { patch: 33, stride: 14 };

export interface DatasetStats {
  images: number;
  missing: number;
  train: number;
  val: number;
  totalMegapixels: number;
  totalBytes: number;
  /** Image counts by size (megapixels), bins [from, to). */
  sizeHistogram: { label: string; fromMp: number; toMp: number; count: number }[];
  smallest: { width: number; height: number } | null;
  largest: { width: number; height: number } | null;
  /** Patches the sampler can draw on the grid, over all present images, and per split. */
  patches: { patch: number; stride: number; total: number; train: number; val: number; formula: string };
}

const SIZE_BINS: [number, number][] = [
  [0, 0.25],
  [0.25, 1],
  [1, 4],
  [4, 12],
  [12, 24],
  [24, Number.POSITIVE_INFINITY],
];

/**
 * Patches on a regular grid in one image: positions 0, s, 2s, … up to the last one that still fits.
 * count = (⌊(W − P) / S⌋ + 1) · (⌊(H − P) / S⌋ + 1), and 0 when the image is smaller than P on either side.
 */
export function patchesInImage(width: number, height: number, grid: PatchGrid): number {
  if (width < grid.patch || height < grid.patch) return 0;
  return (Math.floor((width - grid.patch) / grid.stride) + 1) * (Math.floor((height - grid.patch) / grid.stride) + 1);
}

export function datasetStats(store: Store, datasetId: number, grid: PatchGrid = SRCNN_PATCH_GRID): DatasetStats {
  const repo = new DatasetsRepo(store);
  const record = repo.record(datasetId);
  const present = repo.images(datasetId, { includeMissing: false });
  const histogram = SIZE_BINS.map(([fromMp, toMp]) => ({
    label: Number.isFinite(toMp) ? `${fromMp}–${toMp} MP` : `≥${fromMp} MP`,
    fromMp,
    toMp,
    count: 0,
  }));
  let totalPixels = 0;
  let totalBytes = 0;
  const patches = { total: 0, train: 0, val: 0 };
  let smallest: { width: number; height: number } | null = null;
  let largest: { width: number; height: number } | null = null;
  for (const image of present) {
    const pixels = image.width * image.height;
    totalPixels += pixels;
    totalBytes += image.bytes;
    const mp = pixels / 1e6;
    const bin = histogram.find((b) => mp >= b.fromMp && mp < b.toMp);
    if (bin) bin.count += 1;
    if (!smallest || pixels < smallest.width * smallest.height) smallest = { width: image.width, height: image.height };
    if (!largest || pixels > largest.width * largest.height) largest = { width: image.width, height: image.height };
    const n = patchesInImage(image.width, image.height, grid);
    patches.total += n;
    if (image.split === 'val') patches.val += n;
    else patches.train += n;
  }
  return {
    images: record.images,
    missing: record.missing,
    train: record.train,
    val: record.val,
    totalMegapixels: totalPixels / 1e6,
    totalBytes,
    sizeHistogram: histogram,
    smallest,
    largest,
    patches: {
      patch: grid.patch,
      stride: grid.stride,
      ...patches,
      formula: `per image (floor((W-${grid.patch})/${grid.stride})+1) * (floor((H-${grid.patch})/${grid.stride})+1), 0 if W or H < ${grid.patch}`,
    },
  };
}
