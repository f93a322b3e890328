import { planesToImage, resizePlanes } from '../degrade/index.ts';
import { imageToPlanes } from '../degrade/planes.ts';
import { cropImage } from '../imaging/crop-image.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { LOSSY_PHOTO_FORMATS } from '../imaging/header.ts';
import type { RgbImage } from '../imaging/image.ts';
import { rgbWithTransparentFilled } from '../imaging/transparent-fill.ts';
import { photoWindow } from './photo-window.ts';
import type { WindowLimit } from './training-image.ts';

/**
 * A training photo for real-photo degradation: its RGB pixels, kept whole (degradations act on colour). A camera's
 * lossy photo (JPEG, or HEIC and AVIF, which phones save) is shrunk first by `jpegSourceDownscale` with an area filter:
 * averaging 2×2 pixels cuts its own compression artefacts and noise, so the target the model learns is cleaner than any
 * input it will see (docs/degradation.md measures why for JPEGs).
 * Fully transparent pixels take the colour of the nearest visible one, as they do before an upscale.
 */
export async function loadTrainingPhoto(
  path: string,
  jpegSourceDownscale: number,
  limit?: WindowLimit,
): Promise<{ image: RgbImage; photo: { width: number; height: number }; shrunk: boolean }> {
  const { image, metadata } = await decodePhoto(path);
  // As an upscale does (upscale/upscale-photo.ts): what a cutout stores under alpha 0, often black, is no part of the photo.
  const rgb = rgbWithTransparentFilled(image);
  // The window is cut before shrinking, so its share of the memory budget is what it would be for a PNG.
  const window = limit ? photoWindow(rgb.width, rgb.height, limit.maxPixels * jpegSourceDownscale ** 2, limit.seed) : undefined;
  const used = window ? cropImage(rgb, window) : rgb;
  const shrink = LOSSY_PHOTO_FORMATS.has(metadata.format) && jpegSourceDownscale > 1;
  if (!shrink) return { image: used, photo: { width: rgb.width, height: rgb.height }, shrunk: false };
  const width = Math.max(1, Math.round(used.width / jpegSourceDownscale));
  const height = Math.max(1, Math.round(used.height / jpegSourceDownscale));
  const shrunk = planesToImage(resizePlanes(imageToPlanes(used), width, height, 'area'));
  return { image: shrunk, photo: { width: rgb.width, height: rgb.height }, shrunk: true };
}
