import { SrError } from '../errors.ts';
import { rgbToY, roundPlane } from '../imaging/colour.ts';
import type { RgbImage } from '../imaging/image.ts';
import { psnr } from './psnr.ts';
import { ssim } from './ssim.ts';

export interface ImageScore {
  psnr: number;
  ssim: number;
}

/** The protocol's score: BT.601 Y rounded to integers, `shave` pixels off every border, then PSNR and SSIM. */
export function scoreImages(sr: RgbImage, hr: RgbImage, shave: number): ImageScore {
  if (sr.width !== hr.width || sr.height !== hr.height) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The reconstruction is ${sr.width}×${sr.height} but the ground truth is ${hr.width}×${hr.height}`,
      'A method must return an image of exactly the (modcropped) ground-truth size.',
    );
  }
  const ySr = roundPlane(rgbToY(sr));
  const yHr = roundPlane(rgbToY(hr));
  return { psnr: psnr(ySr, yHr, shave), ssim: ssim(ySr, yHr, shave) };
}
