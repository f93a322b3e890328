import type { Subsampling } from './jpeg-header.ts';
import type { PhotoProfile } from './photo-profile.ts';

/** A value over a set of photos: the median, and the 10th and 90th percentiles (where most photos lie). */
export interface Spread {
  median: number;
  low: number;
  high: number;
}

export const SHARPNESS = ['sharp', 'slightly soft', 'soft', 'blurry'] as const;
export type Sharpness = (typeof SHARPNESS)[number];

/** Plain words for a blur σ (in the photo's own pixels). A sharp, well-focused photo measures below 0.5. */
export function sharpnessOf(sigma: number): Sharpness {
  if (sigma < 0.5) return 'sharp';
  if (sigma < 1) return 'slightly soft';
  if (sigma < 1.8) return 'soft';
  return 'blurry';
}

export interface PhotosSummary {
  /** Null when none of the photos is a JPEG. */
  jpeg: {
    photos: number;
    quality: Spread;
    /** How many use libjpeg's standard tables (the others: a camera's or editor's own, quality approximate). */
    standardTables: number;
    subsampling: Partial<Record<Subsampling, number>>;
  } | null;
  /** Null when no photo had smooth areas to measure noise in. */
  noise: {
    photos: number;
    luma: Spread;
    colour: Spread;
    /** Median over the photos of the noise their JPEG would hide (0 for lossless photos). */
    lumaHidden: number;
    colourHidden: number;
  } | null;
  /** Null when no photo had clear edges. */
  blur: { photos: number; sigma: Spread; sharpness: Sharpness } | null;
  size: { width: number; height: number; megapixels: Spread };
}

/** The q-quantile (0–1) of sorted values, interpolated. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

/** The spread of a set of values, to two decimals (the estimates mean no more). */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(quantile(sorted, q) * 100) / 100;
  return { median: at(0.5), low: at(0.1), high: at(0.9) };
}

function median(values: readonly number[]): number {
  return spreadOf(values).median;
}

/** Medians and spreads over the profiled photos (at least one). */
export function summarise(photos: readonly PhotoProfile[]): PhotosSummary {
  const jpegs = photos.flatMap((p) => (p.jpeg ? [p.jpeg] : []));
  const subsampling: Partial<Record<Subsampling, number>> = {};
  for (const j of jpegs) subsampling[j.subsampling] = (subsampling[j.subsampling] ?? 0) + 1;
  const noisy = photos.flatMap((p) => (p.noise ? [p.noise] : []));
  const blurred = photos.flatMap((p) => (p.blur ? [p.blur] : []));
  const blurSigma = blurred.length > 0 ? spreadOf(blurred.map((b) => b.sigma)) : undefined;
  return {
    jpeg:
      jpegs.length > 0
        ? {
            photos: jpegs.length,
            quality: spreadOf(jpegs.map((j) => j.quality)),
            standardTables: jpegs.filter((j) => j.standardTables).length,
            subsampling,
          }
        : null,
    noise:
      noisy.length > 0
        ? {
            photos: noisy.length,
            luma: spreadOf(noisy.map((n) => n.luma)),
            colour: spreadOf(noisy.map((n) => n.colour)),
            lumaHidden: median(noisy.map((n) => n.lumaHidden)),
            colourHidden: median(noisy.map((n) => n.colourHidden)),
          }
        : null,
    blur: blurSigma ? { photos: blurred.length, sigma: blurSigma, sharpness: sharpnessOf(blurSigma.median) } : null,
    size: {
      width: Math.round(median(photos.map((p) => p.width))),
      height: Math.round(median(photos.map((p) => p.height))),
      megapixels: spreadOf(photos.map((p) => (p.width * p.height) / 1e6)),
    },
  };
}
