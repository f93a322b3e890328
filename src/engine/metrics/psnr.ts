import type { Plane } from '../imaging/image.ts';
import { assertSameSize, shavePlane } from './shave.ts';

const PEAK = 255;

/** Mean squared error, accumulated in float64. */
export function mse(a: Plane, b: Plane): number {
  assertSameSize(a, b, 'MSE');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  return sum / a.data.length;
}

/** PSNR in dB for [0,255] planes after shaving `shave` pixels per border; Infinity when the planes are identical. */
export function psnr(a: Plane, b: Plane, shave: number): number {
  assertSameSize(a, b, 'PSNR');
  const error = mse(shavePlane(a, shave), shavePlane(b, shave));
  return error === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((PEAK * PEAK) / error);
}
