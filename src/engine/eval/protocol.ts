import type { Recipe } from '../degrade/recipe.ts';
import { SrError } from '../errors.ts';
import { cropImage } from '../imaging/crop-image.ts';
import type { RgbImage } from '../imaging/image.ts';
import { imresizeRgb, type ResizeKernel } from '../imaging/matlab-resize.ts';

/**
 * The SR evaluation protocol's image steps (docs/sr-protocol.md). A method is scored by how well it rebuilds
 * the modcropped HR image from `degrade(hr)`.
 */

export const EVAL_SCALES = [2, 3, 4] as const;
export type EvalScale = (typeof EVAL_SCALES)[number];

export function isEvalScale(value: number): value is EvalScale {
  return (EVAL_SCALES as readonly number[]).includes(value);
}

export function assertEvalScale(value: number): asserts value is EvalScale {
  if (!isEvalScale(value)) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Unsupported scale ${value}`,
      `Use one of ${EVAL_SCALES.join('|')}, the scales published results exist for.`,
    );
  }
}

/** Crops the bottom and right so that both sides are multiples of `scale`. */
export function modcrop(image: RgbImage, scale: number): RgbImage {
  const width = image.width - (image.width % scale);
  const height = image.height - (image.height % scale);
  if (width < scale || height < scale) {
    throw new SrError('TOO_SMALL', `A ${image.width}×${image.height} image is smaller than the scale ${scale}`, 'Use larger images.');
  }
  return cropImage(image, { left: 0, top: 0, width, height });
}

/** The protocol's low-resolution input: MATLAB bicubic (antialiased) by 1/scale, rounded to uint8. Needs a modcropped image. */
export function degrade(hr: RgbImage, scale: number): RgbImage {
  if (hr.width % scale !== 0 || hr.height % scale !== 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `degrade: a ${hr.width}×${hr.height} image is not a multiple of the scale ${scale}`,
      'modcrop the image first, as the protocol does.',
    );
  }
  return imresizeRgb(hr, hr.width / scale, hr.height / scale, 'bicubic');
}

/**
 * A real-photo degradation for an evaluation (`eval --degrade`): each HR image is degraded by the recipe, keyed by the
 * seed and the image's file name, so the same seed gives the same input bytes on every machine and in every order.
 */
export interface EvalDegradation {
  name: string;
  recipe: Recipe;
  seed: number;
}

/** Anything that can rebuild an HR image from the protocol's LR image: an interpolation kernel or a model. */
export interface EvalMethod {
  name: string;
  reconstruct(lr: RgbImage, scale: number, hrWidth: number, hrHeight: number): Promise<RgbImage>;
}

/** A MATLAB imresize kernel as a baseline method ('bicubic' is the published "Bicubic" row). */
export function interpolationMethod(kernel: ResizeKernel): EvalMethod {
  return {
    name: kernel,
    reconstruct: async (lr, _scale, hrWidth, hrHeight) => imresizeRgb(lr, hrWidth, hrHeight, kernel),
  };
}
