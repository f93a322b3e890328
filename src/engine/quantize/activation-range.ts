/**
 * Which range of an activation tensor its 256 uint8 levels should cover. Min/max wastes levels on rare outliers
 * (a few edge pixels in a few hundred patches), which for super-resolution costs more than clipping them: the
 * levels are what rebuilds fine texture. So the default choice is the range that minimises the expected squared
 * error over the calibration values: clipping error outside [lo, hi], uniform rounding noise (step²/12) inside.
 * Exact zeros (ReLU outputs, zero padding) are counted apart: zero is always a level, so they cost nothing.
 */

export type RangeMethod = 'mse' | 'minmax';

export const RANGE_METHODS: readonly RangeMethod[] = ['mse', 'minmax'];

const BINS = 2048;
/** Candidate clipping points per side: 1/64 steps of the observed extremes. */
const STEPS = 64;

/** The values of one tensor, streamed in calibration batches: extremes first, then (a second pass) a histogram. */
export class ActivationHistogram {
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private counts: Float64Array | undefined;

  /** First pass: the extremes. */
  widen(value: number): void {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Second pass (after every widen): one value into the histogram over [min, max]. */
  add(value: number): void {
    if (value === 0) return;
    this.counts ??= new Float64Array(BINS);
    const span = this.max - this.min;
    const bin = span > 0 ? Math.min(BINS - 1, Math.max(0, Math.floor(((value - this.min) / span) * BINS))) : 0;
    this.counts[bin] += 1;
  }

  /** The range to quantise to: the observed extremes, or the expected-error minimum over candidate clippings. */
  range(method: RangeMethod): [number, number] {
    const lo = Math.min(0, this.min);
    const hi = Math.max(0, this.max);
    if (method === 'minmax' || !this.counts || !(hi > lo)) return [lo, hi];
    const counts = this.counts;
    const width = (this.max - this.min) / BINS;
    const centre = (i: number) => this.min + (i + 0.5) * width;
    let best: [number, number] = [lo, hi];
    let bestError = Number.POSITIVE_INFINITY;
    const los = lo < 0 ? Array.from({ length: STEPS }, (_, i) => (lo * (i + 1)) / STEPS) : [0];
    const his = hi > 0 ? Array.from({ length: STEPS }, (_, i) => (hi * (i + 1)) / STEPS) : [0];
    for (const a of los) {
      for (const b of his) {
        const noise = ((b - a) / 255) ** 2 / 12;
        let error = 0;
        for (let i = 0; i < BINS; i++) {
          const n = counts[i];
          if (n === 0) continue;
          const x = centre(i);
          error += n * (x < a ? (a - x) ** 2 : x > b ? (x - b) ** 2 : noise);
        }
        if (error < bestError) {
          bestError = error;
          best = [a, b];
        }
      }
    }
    return best;
  }
}
