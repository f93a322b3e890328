export { mse, psnr } from './psnr.ts';
export { type ImageScore, scoreImages } from './score.ts';
export { shavePlane } from './shave.ts';
export { ssim } from './ssim.ts';
