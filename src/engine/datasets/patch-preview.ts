import sharp from 'sharp';
import { SrError } from '../errors.ts';
import { decodePhoto } from '../imaging/decode.ts';
import type { RgbImage } from '../imaging/image.ts';
import { imresizeRgb } from '../imaging/matlab-resize.ts';
import { seededRandom } from '../seeded-random.ts';
import type { Store } from '../store/store.ts';
import { DatasetsRepo } from './datasets-repo.ts';

export interface PatchPair {
  source: string;
  x: number;
  y: number;
  size: number;
  /** The HR patch, PNG. */
  hr: Uint8Array;
  /** The same patch degraded as training sees it (MATLAB bicubic down by `scale`), then bicubic back up for display, PNG. */
  lr: Uint8Array;
}

/**
 * N HR/LR patch pairs from a dataset, to show what the model will learn from. The patch side is the dataset's
 * patch size rounded down to a multiple of the scale, so the LR patch has whole pixels. Seeded: the same call
 * shows the same patches.
 */
export async function previewPatches(
  store: Store,
  datasetId: number,
  opts: { count: number; scale: number; seed?: number; patch?: number },
): Promise<PatchPair[]> {
  const repo = new DatasetsRepo(store);
  const patchSize = opts.patch ?? repo.row(datasetId).patch_size;
  if (!Number.isInteger(opts.scale) || opts.scale < 2 || opts.scale > 8)
    throw new SrError('BAD_ARGUMENT', `Scale ${opts.scale} must be a whole number from 2 to 8`, 'Pass e.g. 3.');
  const size = Math.floor(patchSize / opts.scale) * opts.scale;
  if (size < opts.scale)
    throw new SrError('BAD_ARGUMENT', `A ${patchSize} px patch is smaller than the scale ${opts.scale}`, 'Use a larger patch.');
  const images = repo.images(datasetId, { includeMissing: false }).filter((image) => image.width >= size && image.height >= size);
  if (images.length === 0)
    throw new SrError(
      'NO_IMAGES',
      `Dataset ${datasetId} has no image of at least ${size}×${size} px on disk`,
      'Add photos or rescan the dataset.',
    );

  const random = seededRandom(opts.seed ?? 1);
  const picks = Array.from({ length: Math.max(0, opts.count) }, () => images[Math.floor(random() * images.length)]);
  const decoded = new Map<string, RgbImage>();
  const pairs: PatchPair[] = [];
  for (const image of picks) {
    let photo = decoded.get(image.path);
    if (!photo) {
      photo = toRgb((await decodePhoto(image.path)).image);
      decoded.set(image.path, photo);
    }
    const x = Math.floor(random() * (photo.width - size + 1));
    const y = Math.floor(random() * (photo.height - size + 1));
    const hr = crop(photo, x, y, size);
    const lr = imresizeRgb(hr, size / opts.scale, size / opts.scale);
    const shown = imresizeRgb(lr, size, size);
    pairs.push({ source: image.path, x, y, size, hr: await toPng(hr), lr: await toPng(shown) });
  }
  return pairs;
}

function toRgb(image: RgbImage): RgbImage {
  if (image.channels === 3) return image;
  const data = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    data[i] = image.data[j];
    data[i + 1] = image.data[j + 1];
    data[i + 2] = image.data[j + 2];
  }
  return { width: image.width, height: image.height, channels: 3, data };
}

function crop(image: RgbImage, x: number, y: number, size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let row = 0; row < size; row += 1) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + size * 3), row * size * 3);
  }
  return { width: size, height: size, channels: 3, data };
}

async function toPng(image: RgbImage): Promise<Uint8Array> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
