/**
 * The interpolation kernels of MATLAB's imresize, written as MATLAB writes them (imresize.m), so that the
 * evaluation protocol reproduces published numbers. Do not "improve" them: the edge cases (half-open box,
 * the `eps` in lanczos3) are part of the function.
 */
export type ResizeKernel = 'bicubic' | 'bilinear' | 'nearest' | 'lanczos3';

export interface KernelSpec {
  /** The kernel itself, for a distance in input pixels (already divided by nothing: scale 1). */
  fn: (x: number) => number;
  /** Support width in input pixels at scale 1 (MATLAB's `kernel_width`). */
  width: number;
  /** MATLAB turns antialiasing off for 'nearest' only. */
  antialias: boolean;
}

/** Keys' cubic convolution with a = −0.5 (MATLAB `cubic`). */
function cubic(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

/** MATLAB `triangle`. */
function triangle(x: number): number {
  if (x >= -1 && x < 0) return x + 1;
  if (x >= 0 && x <= 1) return 1 - x;
  return 0;
}

/** MATLAB `box`: half-open so that a sample exactly between two pixels takes exactly one of them. */
function box(x: number): number {
  return x >= -0.5 && x < 0.5 ? 1 : 0;
}

const EPS = 2 ** -52;

/** MATLAB `lanczos3`, including its `eps` guard that makes f(0) = 1 without a branch. */
function lanczos3(x: number): number {
  if (!(Math.abs(x) < 3)) return 0;
  return (Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / 3) + EPS) / ((Math.PI * Math.PI * x * x) / 3 + EPS);
}

export const RESIZE_KERNELS: Readonly<Record<ResizeKernel, KernelSpec>> = {
  bicubic: { fn: cubic, width: 4, antialias: true },
  bilinear: { fn: triangle, width: 2, antialias: true },
  nearest: { fn: box, width: 1, antialias: false },
  lanczos3: { fn: lanczos3, width: 6, antialias: true },
};

/**
 * MATLAB `imresize(…, 'box')`: the box with antialiasing, so shrinking averages each output pixel's area. Not an
 * interpolation baseline of the protocol; the real-photo degradations use it as the "area" filter.
 */
export const AREA_KERNEL: KernelSpec = { fn: box, width: 1, antialias: true };

export const RESIZE_KERNEL_NAMES = Object.keys(RESIZE_KERNELS) as ResizeKernel[];

export function isResizeKernel(name: string): name is ResizeKernel {
  return Object.hasOwn(RESIZE_KERNELS, name);
}
