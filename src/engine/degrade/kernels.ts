import type { Rng } from '../seeded-random.ts';
import type { BlurFamily, BlurRecipe } from './recipe.ts';

/**
 * Blur kernels of the real-photo degradations (shapes as in Real-ESRGAN's and BSRGAN's papers; our own code):
 * Gaussian (isotropic or anisotropic and rotated), generalized Gaussian, plateau, and the sinc (circular low-pass)
 * kernel, whose ringing imitates over-sharpened or resampled photos. Every kernel sums to 1.
 */
export interface BlurKernel {
  family: BlurFamily;
  /** Odd side length. */
  size: number;
  /** size×size weights, row-major. */
  weights: Float32Array;
  /** For an isotropic Gaussian: the 1-D kernel whose outer product is `weights`, so it can be applied in two passes. */
  separable?: Float32Array;
  /**
   * For an anisotropic Gaussian: the same blur as an isotropic Gaussian of the smaller σ followed by a 1-D Gaussian
   * along the long axis (covariances add under convolution: σ²min·I + (σ²max − σ²min)·uuᵀ is the kernel's own), so it
   * runs in three 1-D passes instead of one k×k pass.
   */
  split?: { isotropic: Float32Array; line: { sigma: number; theta: number } };
}

/** The largest kernel: 21×21, as in Real-ESRGAN. */
export const MAX_KERNEL_RADIUS = 10;

/** Shape parameters of a kernel in plain numbers, so tests can build known ones. */
export interface KernelShape {
  family: BlurFamily;
  sigmaX: number;
  sigmaY: number;
  /** Rotation of the x axis, radians. */
  theta: number;
  /** Generalized / plateau exponent. */
  beta: number;
  /** Sinc cut-off, radians per pixel. */
  cutoff: number;
  radius: number;
}

/** Squared Mahalanobis distance of (x, y) under the rotated covariance diag(σx², σy²). */
function mahalanobis2(x: number, y: number, s: KernelShape): number {
  const c = Math.cos(s.theta);
  const n = Math.sin(s.theta);
  const u = c * x + n * y;
  const v = -n * x + c * y;
  return (u * u) / (s.sigmaX * s.sigmaX) + (v * v) / (s.sigmaY * s.sigmaY);
}

/** Bessel J1 by the rational approximations of Abramowitz & Stegun 9.4.4 and 9.4.6 (|error| < 1.3e-8). */
export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 3) {
    const t = (x / 3) ** 2;
    const series = 0.5 + t * (-0.56249985 + t * (0.21093573 + t * (-0.03954289 + t * (0.00443319 + t * (-0.00031761 + t * 0.00001109)))));
    return x * series;
  }
  const t = 3 / ax;
  const f = 0.79788456 + t * (0.00000156 + t * (0.01659667 + t * (0.00017105 + t * (-0.00249511 + t * (0.00113653 - t * 0.00020033)))));
  const theta =
    ax - 2.35619449 + t * (0.12499612 + t * (0.0000565 + t * (-0.00637879 + t * (0.00074348 + t * (0.00079824 - t * 0.00029166)))));
  const value = (f * Math.cos(theta)) / Math.sqrt(ax);
  return x < 0 ? -value : value;
}

function profile(x: number, y: number, s: KernelShape): number {
  switch (s.family) {
    case 'gaussian':
      return Math.exp(-0.5 * mahalanobis2(x, y, s));
    case 'generalized':
      return Math.exp(-0.5 * mahalanobis2(x, y, s) ** s.beta);
    case 'plateau':
      return 1 / (1 + mahalanobis2(x, y, s) ** s.beta);
    case 'sinc': {
      const r = Math.hypot(x, y);
      // The limit at r = 0 of ωc·J1(ωc·r) / (2π·r).
      return r === 0 ? (s.cutoff * s.cutoff) / (4 * Math.PI) : (s.cutoff * besselJ1(s.cutoff * r)) / (2 * Math.PI * r);
    }
  }
}

/** Samples a kernel shape on its grid and normalises it to sum 1. */
export function buildKernel(shape: KernelShape): BlurKernel {
  const { radius } = shape;
  const size = 2 * radius + 1;
  const weights = new Float32Array(size * size);
  let sum = 0;
  for (let y = -radius; y <= radius; y++) {
    for (let x = -radius; x <= radius; x++) {
      const w = profile(x, y, shape);
      weights[(y + radius) * size + x + radius] = w;
      sum += w;
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  const kernel: BlurKernel = { family: shape.family, size, weights };
  if (shape.family === 'gaussian' && shape.sigmaX === shape.sigmaY) kernel.separable = gaussianLine(shape.sigmaX, radius);
  else if (shape.family === 'gaussian') {
    const small = Math.min(shape.sigmaX, shape.sigmaY);
    const long = Math.sqrt(Math.max(shape.sigmaX, shape.sigmaY) ** 2 - small ** 2);
    // The long axis is x rotated by θ when σx is the larger, else y (θ + 90°).
    const theta = shape.sigmaX >= shape.sigmaY ? shape.theta : shape.theta + Math.PI / 2;
    kernel.split = { isotropic: gaussianLine(small, Math.min(radius, Math.max(1, Math.ceil(3 * small)))), line: { sigma: long, theta } };
  }
  return kernel;
}

/** A normalised 1-D Gaussian of 2·radius + 1 taps. */
export function gaussianLine(sigma: number, radius: number): Float32Array {
  const line = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) sum += line[x + radius] = Math.exp((-0.5 * x * x) / (sigma * sigma));
  for (let i = 0; i < line.length; i++) line[i] /= sum;
  return line;
}

function uniform(rng: Rng, [low, high]: readonly [number, number]): number {
  return low + (high - low) * rng.next();
}

/** Picks a key with probability proportional to its weight. */
export function weightedChoice<K extends string>(rng: Rng, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = rng.next() * total;
  for (const [key, w] of entries) {
    if (w <= 0) continue;
    if (r < w) return key;
    r -= w;
  }
  // Rounding can leave r a hair above the last weight: the last family with any weight takes it.
  return entries.filter(([, w]) => w > 0).at(-1)?.[0] as K;
}

/**
 * Draws one kernel from a blur step. Kernels are cut at 3σ, never beyond 21×21: for a Gaussian, a wider grid adds
 * only weights too small to change an 8-bit pixel; heavy-tailed shapes lose a little of their tails (the kernel is
 * normalised after the cut, so it is still a blur); and every tap costs time in every training batch.
 * Draws happen in a fixed order, so a seed always gives the same kernel.
 */
export function drawKernel(rng: Rng, blur: BlurRecipe): BlurKernel {
  const family = weightedChoice(rng, blur.kernels);
  const anisotropic = rng.next() < blur.anisotropic;
  const sigmaX = uniform(rng, blur.sigma);
  const sigmaY = anisotropic ? uniform(rng, blur.sigma) : sigmaX;
  const theta = anisotropic ? rng.next() * Math.PI : 0;
  const beta = uniform(rng, family === 'plateau' ? blur.plateauBeta : blur.beta);
  const cutoff = uniform(rng, blur.sincCutoff);
  const sizeDraw = rng.next();
  const sigma = Math.max(sigmaX, sigmaY);
  let radius: number;
  if (family === 'sinc') {
    // The ringing needs room: an odd size from 7 to 21, as Real-ESRGAN draws it.
    radius = 3 + Math.floor(sizeDraw * 8);
  } else {
    radius = Math.ceil(3 * sigma);
  }
  radius = Math.min(MAX_KERNEL_RADIUS, Math.max(1, radius));
  return buildKernel({ family, sigmaX, sigmaY, theta, beta, cutoff, radius });
}
