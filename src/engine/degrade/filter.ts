import { borderIndex } from '../imaging/resize-plan.ts';
import { type BlurKernel, gaussianLine, MAX_KERNEL_RADIUS } from './kernels.ts';
import type { RgbPlanes } from './planes.ts';

/**
 * Convolves each plane with a blur kernel, keeping the size; the border is mirrored (as the crop was). An isotropic
 * Gaussian runs as two 1-D passes (2k instead of k² multiplies per pixel), which keeps the degradation of a training
 * batch cheap next to the training step. The kernels are symmetric, so correlation and convolution agree.
 */
export function blurPlanes(image: RgbPlanes, kernel: BlurKernel): RgbPlanes {
  const { width, height } = image;
  const planes = image.planes.map((plane) => {
    if (kernel.separable) return separable(plane, width, height, kernel.separable);
    if (kernel.split) return lineBlur(separable(plane, width, height, kernel.split.isotropic), width, height, kernel.split.line);
    return full(plane, width, height, kernel);
  }) as RgbPlanes['planes'];
  return { width, height, planes };
}

/** One plane blurred by an isotropic Gaussian of σ `sigma` (cut at 3σ, within the largest kernel), border mirrored. */
export function gaussianBlurPlane(plane: Float32Array, width: number, height: number, sigma: number): Float32Array {
  return separable(plane, width, height, gaussianLine(sigma, Math.min(MAX_KERNEL_RADIUS, Math.max(1, Math.ceil(3 * sigma)))));
}

/**
 * A 1-D Gaussian along direction θ: each pixel sums samples at t·(cos θ, sin θ), read by bilinear interpolation.
 * The weights are the Gaussian at those distances, so the result is the kernel's line part up to the interpolation's
 * own slight smoothing.
 */
function lineBlur(plane: Float32Array, width: number, height: number, { sigma, theta }: { sigma: number; theta: number }): Float32Array {
  if (sigma < 1e-3) return plane;
  const radius = Math.min(MAX_KERNEL_RADIUS, Math.max(1, Math.ceil(3 * sigma)));
  const weights = gaussianLine(sigma, radius);
  const r = radius + 1;
  const { data, stride } = padded(plane, width, height, r);
  const out = new Float32Array(width * height);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  for (let t = -radius; t <= radius; t++) {
    const dx = t * cos;
    const dy = t * sin;
    const ix = Math.floor(dx);
    const iy = Math.floor(dy);
    const fx = dx - ix;
    const fy = dy - iy;
    const w = weights[t + radius];
    // One shift for the whole plane: the four bilinear weights of this tap, folded with its Gaussian weight.
    const w00 = w * (1 - fx) * (1 - fy);
    const w10 = w * fx * (1 - fy);
    const w01 = w * (1 - fx) * fy;
    const w11 = w * fx * fy;
    for (let y = 0; y < height; y++) {
      const top = (y + r + iy) * stride + r + ix;
      const bottom = top + stride;
      const o = y * width;
      for (let x = 0; x < width; x++) {
        out[o + x] += w00 * data[top + x] + w10 * data[top + x + 1] + w01 * data[bottom + x] + w11 * data[bottom + x + 1];
      }
    }
  }
  return out;
}

/** The plane with `r` mirrored pixels around it, so the inner loops never test for the border. */
function padded(plane: Float32Array, width: number, height: number, r: number): { data: Float32Array; stride: number } {
  const stride = width + 2 * r;
  const data = new Float32Array(stride * (height + 2 * r));
  for (let y = -r; y < height + r; y++) {
    const row = borderIndex(y, height) * width;
    const o = (y + r) * stride;
    for (let x = -r; x < width + r; x++) data[o + x + r] = plane[row + borderIndex(x, width)];
  }
  return { data, stride };
}

function full(plane: Float32Array, width: number, height: number, kernel: BlurKernel): Float32Array {
  const { size, weights } = kernel;
  const r = (size - 1) / 2;
  const { data, stride } = padded(plane, width, height, r);
  const out = new Float32Array(width * height);
  // One accumulator per output pixel (a register, not a store per tap): measured 1.35× faster in V8 than tap-major.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let j = 0; j < size; j++) {
        const row = (y + j) * stride + x;
        const k = j * size;
        for (let i = 0; i < size; i++) sum += weights[k + i] * data[row + i];
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

function separable(plane: Float32Array, width: number, height: number, line: Float32Array): Float32Array {
  const size = line.length;
  const r = (size - 1) / 2;
  const { data, stride } = padded(plane, width, height, r);
  // Horizontal pass over every padded row, then the vertical pass.
  const rows = height + 2 * r;
  const horizontal = new Float32Array(rows * width);
  for (let y = 0; y < rows; y++) {
    const o = y * width;
    const row = y * stride;
    for (let i = 0; i < size; i++) {
      const w = line[i];
      const start = row + i;
      for (let x = 0; x < width; x++) horizontal[o + x] += w * data[start + x];
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let j = 0; j < size; j++) {
      const w = line[j];
      const start = (y + j) * width;
      for (let x = 0; x < width; x++) out[o + x] += w * horizontal[start + x];
    }
  }
  return out;
}
