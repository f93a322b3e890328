import type { Rng } from '../seeded-random.ts';
import type { RgbPlanes } from './planes.ts';

/**
 * Sensor noise. Gaussian noise has one σ everywhere (read noise); Poisson (shot) noise grows with the signal, as
 * photon counts do. Colour noise is independent per channel (the blotches of a phone's shadows); grey noise is one
 * value added to all three channels (luminance grain).
 */
export type NoiseSpec = { kind: 'gaussian'; sigma: number; grey: boolean } | { kind: 'poisson'; scale: number; grey: boolean };

/** Real-ESRGAN's convention: counts are the 8-bit value scaled to 256 levels, so scale 1 gives σ ≈ 11.3 at mid grey. */
const POISSON_LEVELS = 256;

/** A Poisson deviate: Knuth's product method for small means, the normal approximation above (error < 1 %). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = rng.next();
  while (product > limit) {
    k += 1;
    product *= rng.next();
  }
  return k;
}

function noiseValue(rng: Rng, spec: NoiseSpec, value: number): number {
  if (spec.kind === 'gaussian') return spec.sigma * rng.normal();
  const level = Math.max(0, value) * (POISSON_LEVELS / 255);
  return (poisson(rng, level) - level) * (255 / POISSON_LEVELS) * spec.scale;
}

/** Adds noise in place. Grey Poisson noise follows the luminance, so it is brighter-grained where the image is. */
export function addNoise(image: RgbPlanes, spec: NoiseSpec, rng: Rng): void {
  const [r, g, b] = image.planes;
  if (spec.grey) {
    for (let i = 0; i < r.length; i++) {
      const n = noiseValue(rng, spec, 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]);
      r[i] += n;
      g[i] += n;
      b[i] += n;
    }
    return;
  }
  for (const plane of image.planes) for (let i = 0; i < plane.length; i++) plane[i] += noiseValue(rng, spec, plane[i]);
}
