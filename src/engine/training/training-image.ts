import { rgbToY } from '../imaging/colour.ts';
import { cropImage } from '../imaging/crop-image.ts';
import { decodePhoto } from '../imaging/decode.ts';
import type { Plane } from '../imaging/image.ts';
import { imresize } from '../imaging/matlab-resize.ts';
import { rgbWithTransparentFilled } from '../imaging/transparent-fill.ts';
import type { BytePlane, TrainingPair } from './patch-sampler.ts';
import { photoWindow } from './photo-window.ts';

/** MATLAB's uint8 conversion: round half away from zero, then clip. */
function toBytes(plane: Plane): BytePlane {
  const data = new Uint8Array(plane.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = plane.data[i];
    data[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return { width: plane.width, height: plane.height, data };
}

function toPlane(bytes: BytePlane): Plane {
  return { width: bytes.width, height: bytes.height, data: Float32Array.from(bytes.data) };
}

/** Crops the bottom and right so both sides are multiples of the scale (the protocol's modcrop). */
function modcrop(plane: BytePlane, scale: number): BytePlane {
  const width = plane.width - (plane.width % scale);
  const height = plane.height - (plane.height % scale);
  if (width === plane.width && height === plane.height) return plane;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(plane.data.subarray(y * plane.width, y * plane.width + width), y * width);
  return { width, height, data };
}

/**
 * Makes one training pair from an HR Y plane, the way SRCNN's training code does: Y as uint8, modcrop,
 * MATLAB-bicubic downscale rounded to uint8, and for `upsampled` models the same bicubic back up, rounded again.
 */
export function pairFromY(y: BytePlane, scale: number, inputKind: 'upsampled' | 'lr'): TrainingPair {
  const target = modcrop(y, scale);
  const lr = toBytes(imresize(toPlane(target), target.width / scale, target.height / scale, 'bicubic'));
  if (inputKind === 'lr') return { target, input: lr };
  return { target, input: toBytes(imresize(toPlane(lr), target.width, target.height, 'bicubic')) };
}

/** Where a photo above the per-photo budget is cut (photo-window.ts): at most `maxPixels`, placed by `seed`. */
export interface WindowLimit {
  maxPixels: number;
  seed: number;
}

/**
 * Decodes a photo and degrades it into a training pair (errors are the decoder's SrErrors, naming the file).
 * `photo` is the decoded size, so the caller can tell whether a window was cut.
 */
export async function loadTrainingPair(
  path: string,
  scale: number,
  inputKind: 'upsampled' | 'lr',
  limit?: WindowLimit,
): Promise<TrainingPair & { photo: { width: number; height: number } }> {
  // Fully transparent pixels take the nearest visible colour, as before an upscale (training-photo.ts says why).
  const image = rgbWithTransparentFilled((await decodePhoto(path)).image);
  const window = limit ? photoWindow(image.width, image.height, limit.maxPixels, limit.seed) : undefined;
  const used = window ? cropImage(image, window) : image;
  return { ...pairFromY(toBytes(rgbToY(used)), scale, inputKind), photo: { width: image.width, height: image.height } };
}
