import { gaussianLine } from '../degrade/kernels.ts';
import type { AnalysisTile } from './analysis-tiles.ts';

/**
 * Blur from the sharpness of edges, by re-blurring (Zhuo and Sim, "Defocus map estimation from a single image",
 * 2011). A step edge blurred by a Gaussian of σ has a gradient peak of A/(√(2π)·σ); blurred again by a known σa its
 * peak is A/(√(2π)·√(σ² + σa²)). The ratio of the two peaks, R = √(σ² + σa²)/σ, no longer depends on the edge's
 * contrast A, and gives σ = σa/√(R² − 1).
 *
 * Edges are the local maxima of the re-blurred gradient along its direction (as in Canny), among the strongest in
 * the photo: weak edges are mostly texture, whose neighbours and noise bias the ratio. The median ratio over them
 * is the raw measurement; on sampled pixels it is not exactly the continuous formula's (a sharp edge falls between
 * pixels), so blur-calibration.ts maps it to the σ of a Gaussian blur through synthetic scenes of known blur.
 */
export interface RawBlur {
  /** Median gradient ratio R at edges (higher: sharper). */
  ratio: number;
  /** σa/√(R² − 1): the continuous formula's σ, before calibration. */
  sigma: number;
  edges: number;
}

export const REBLUR_SIGMA = 1;
/** Edge pixels must stand out of the noise: the re-blurred gradient at least this many times the luma noise σ. */
const NOISE_MARGIN = 2;
/** …and at least this many levels per pixel (faint edges are texture more often than object outlines). */
const MIN_GRADIENT = 3;
/** The strongest share of candidate edges is used. */
const STRONGEST = 0.5;
const MIN_EDGES = 50;

/** A separable Gaussian blur; the border is extended by repeating the edge pixels. */
function blurPlane(p: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const line = gaussianLine(sigma, radius);
  const across = new Float32Array(w * h);
  const row = new Float32Array(w + 2 * radius);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = -radius; x < w + radius; x++) row[x + radius] = p[o + Math.min(w - 1, Math.max(0, x))];
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let k = 0; k < line.length; k++) sum += line[k] * row[x + k];
      across[o + x] = sum;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let k = 0; k < line.length; k++) {
      const source = Math.min(h - 1, Math.max(0, y + k - radius)) * w;
      const weight = line[k];
      for (let x = 0; x < w; x++) out[y * w + x] += weight * across[source + x];
    }
  }
  return out;
}

/** Central-difference gradients of the interior (the 1-pixel border stays 0). */
function gradients(p: Float32Array, w: number, h: number): { gx: Float32Array; gy: Float32Array; magnitude: Float32Array } {
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  const magnitude = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      const dx = (p[i + 1] - p[i - 1]) / 2;
      const dy = (p[i + w] - p[i - w]) / 2;
      gx[i] = dx;
      gy[i] = dy;
      magnitude[i] = Math.sqrt(dx * dx + dy * dy);
    }
  }
  return { gx, gy, magnitude };
}

/**
 * Noise adds power to a gradient: white noise of σ gives a central-difference gradient of expected squared magnitude
 * σ² (σ²/2 per axis), and after the re-blur a fraction of it that depends only on σa, computed once here. Taking
 * these out of each edge's squared gradients keeps noise from making a blurred photo read sharper.
 */
const SOFT_NOISE_POWER = (() => {
  const radius = Math.ceil(3 * REBLUR_SIGMA) + 1;
  const line = gaussianLine(REBLUR_SIGMA, radius);
  const at = (k: number) => (k >= -radius && k <= radius ? line[k + radius] : 0);
  // The derivative-of-Gaussian taps along one axis, times the Gaussian along the other.
  let along = 0;
  for (let k = -radius - 1; k <= radius + 1; k++) along += ((at(k + 1) - at(k - 1)) / 2) ** 2;
  let across = 0;
  for (let k = -radius; k <= radius; k++) across += at(k) ** 2;
  return 2 * along * across;
})();

interface EdgePoint {
  /** The re-blurred gradient's magnitude. */
  strength: number;
  ratio: number;
}

function tileEdges(tile: AnalysisTile, threshold: number, noisePower: number, out: EdgePoint[]): void {
  const { width: w, height: h, y: luma } = tile;
  const soft = gradients(blurPlane(luma, w, h, REBLUR_SIGMA), w, h);
  const sharp = gradients(luma, w, h).magnitude;
  const border = Math.ceil(3 * REBLUR_SIGMA) + 2;
  for (let y = border; y < h - border; y++) {
    for (let x = border, i = y * w + x; x < w - border; x++, i++) {
      const strength = soft.magnitude[i];
      if (strength < threshold) continue;
      // A maximum along the gradient direction, rounded to one of 8 neighbours (non-maximum suppression).
      const angle = Math.atan2(soft.gy[i], soft.gx[i]);
      const step = Math.round(Math.sin(angle)) * w + Math.round(Math.cos(angle));
      if (soft.magnitude[i + step] > strength || soft.magnitude[i - step] >= strength) continue;
      if (tile.clipped[i] || tile.clipped[i + step] || tile.clipped[i - step]) continue;
      const sharpPower = sharp[i] * sharp[i] - noisePower;
      const softPower = strength * strength - noisePower * SOFT_NOISE_POWER;
      out.push({ strength, ratio: Math.sqrt(Math.max(0, sharpPower) / softPower) });
    }
  }
}

/** The raw blur measurement of a photo's tiles; undefined when it has too few clear edges (a flat or dark photo). */
export function measureBlur(tiles: readonly AnalysisTile[], lumaNoise: number): RawBlur | undefined {
  const threshold = Math.max(MIN_GRADIENT, NOISE_MARGIN * lumaNoise);
  const edges: EdgePoint[] = [];
  for (const tile of tiles) tileEdges(tile, threshold, lumaNoise * lumaNoise, edges);
  if (edges.length < MIN_EDGES) return undefined;
  edges.sort((a, b) => b.strength - a.strength);
  const strongest = edges.slice(0, Math.max(MIN_EDGES, Math.ceil(edges.length * STRONGEST)));
  const ratios = strongest.map((e) => e.ratio).sort((a, b) => a - b);
  const ratio = ratios[ratios.length >> 1];
  const sigma = ratio > 1 ? REBLUR_SIGMA / Math.sqrt(ratio * ratio - 1) : Number.POSITIVE_INFINITY;
  return { ratio, sigma, edges: strongest.length };
}
