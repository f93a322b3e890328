import { SrError } from '../errors.ts';
import { dropAlpha } from '../imaging/alpha-channel.ts';
import type { RgbImage } from '../imaging/image.ts';
import { imresizeRgb } from '../imaging/matlab-resize.ts';
import { cropImage, padRegion, type Rect } from './region.ts';

/**
 * MATLAB's antialiased bicubic reaches 2 low-resolution pixels out (its kernel is 4 wide in output units);
 * one more for safety. Beyond this margin a pixel of the degraded image does not depend on the crop.
 */
const DEGRADE_MARGIN = 3;

/** Size of the protocol's degraded image: the modcropped photo divided by the scale. */
export function degradedSize(photo: RgbImage, scale: number): { width: number; height: number } {
  const width = Math.floor(photo.width / scale);
  const height = Math.floor(photo.height / scale);
  if (width < 1 || height < 1) {
    throw new SrError(
      'TOO_SMALL',
      `A ${photo.width}×${photo.height} image is smaller than the scale ${scale}`,
      'Use a larger photo or scale.',
    );
  }
  return { width, height };
}

/**
 * `degrade(modcrop(photo, scale), scale)` cropped to `window` (low-resolution pixels), computing only the window:
 * the photo is cut to the window plus a margin (on multiples of the scale, so the sampling grid is unchanged) and
 * degraded. Pixels are identical to cropping the whole degraded photo: inside, the margin covers the kernel; at
 * the photo's edges the cut *is* the edge, so MATLAB's symmetric padding sees the same pixels. A 24 MP photo thus
 * costs a few milliseconds per preview instead of a whole-photo resize.
 */
export function degradedWindow(photo: RgbImage, scale: number, window: Rect): RgbImage {
  const lr = degradedSize(photo, scale);
  const cut = padRegion(window, DEGRADE_MARGIN, lr.width, lr.height);
  const hrCut = dropAlpha(cropImage(photo, { x: cut.x * scale, y: cut.y * scale, width: cut.width * scale, height: cut.height * scale }));
  const degraded = imresizeRgb(hrCut, cut.width, cut.height, 'bicubic');
  return cropImage(degraded, { x: window.x - cut.x, y: window.y - cut.y, width: window.width, height: window.height });
}
