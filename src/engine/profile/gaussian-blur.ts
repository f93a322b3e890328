import { blurPlanes } from '../degrade/filter.ts';
import { buildKernel, MAX_KERNEL_RADIUS } from '../degrade/kernels.ts';
import type { RgbPlanes } from '../degrade/planes.ts';

/** An isotropic Gaussian blur of σ pixels by the degradation pipeline's own kernel and filter (σ 0: the image). */
export function gaussianBlur(image: RgbPlanes, sigma: number): RgbPlanes {
  if (sigma <= 0) return image;
  const radius = Math.min(MAX_KERNEL_RADIUS, Math.max(1, Math.ceil(3 * sigma)));
  return blurPlanes(image, buildKernel({ family: 'gaussian', sigmaX: sigma, sigmaY: sigma, theta: 0, beta: 2, cutoff: Math.PI, radius }));
}
