import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { SrError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { oneDecodeAtATime } from '../imaging/decode-warnings.ts';
import type { Store } from '../store/store.ts';
import { DatasetsRepo, type ImageRow, toImage } from './datasets-repo.ts';

export const THUMBNAIL_SIZE = 256;

/**
 * The 256 px WebP thumbnail of a dataset image, made on first request and cached under thumbnails/.
 * Named by content hash, so it survives moves and renames and is shared by every dataset holding the photo.
 */
export async function thumbnailPath(store: Store, datasetId: number, imageId: number): Promise<string> {
  const row = new DatasetsRepo(store).db.prepare('SELECT * FROM dataset_images WHERE dataset_id = ? AND id = ?').get(datasetId, imageId);
  if (!row) throw new SrError('NOT_FOUND', `Dataset ${datasetId} has no image with id ${imageId}`, 'List the images with `datasets show`.');
  const image = toImage(row as ImageRow);
  const target = path.join(store.paths.thumbnails, `${image.sha256}.webp`);
  if (fs.existsSync(target)) return target;
  if (!fs.existsSync(image.path)) {
    throw new SrError(
      'NOT_FOUND',
      `The photo ${image.path} is missing, so its thumbnail cannot be made`,
      'Rescan the dataset after moving it back, or use `datasets rescan --root OLD=NEW`.',
      image.path,
    );
  }
  let webp: Buffer;
  try {
    webp = await thumbnailOf(image.path, image.format);
  } catch (error) {
    throw new SrError(
      'CORRUPT_IMAGE',
      `Could not make a thumbnail of ${image.path}: ${(error as Error).message}`,
      'Check that the file is a readable image.',
      image.path,
      {
        cause: error,
      },
    );
  }
  await writeFileAtomic(target, webp);
  return target;
}

/**
 * libvips shrinks most photos as it decodes them; a HEIC photo, which it cannot decode, is decoded whole first. The
 * format is the data set's record of the file (its probe when it was added or rescanned), so no header is read again.
 */
async function thumbnailOf(file: string, format: string): Promise<Buffer> {
  const shrink = (pipeline: Sharp) =>
    pipeline.resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  if (format === 'heic') {
    const { image } = await decodePhoto(file);
    return shrink(sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }));
  }
  // It decodes the user's photo, so it takes its turn among decodes: a quirky JPEG's harmless warning must not reach a
  // damaged JPEG's decode beside it (imaging/decode-warnings.ts).
  return oneDecodeAtATime(() => shrink(sharp(file, { failOn: 'none' }).rotate()));
}
