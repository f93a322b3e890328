/**
 * Making an FSRCNN with ReLU wider than a trained one (more mapping channels, s → s′) without changing what it
 * computes. shrink, the mapping layers and expand hold the trained weights in their first s channels; a trained
 * channel reads nothing from a new one (those entries are 0), and expand reads nothing from the new channels, so the
 * wider network starts as exactly the trained one. The new channels' own incoming weights are whatever `start` holds:
 * a warm start passes the seeded initialisation, so they carry real features from the first step and the gradient
 * reaches their outgoing weights at once; the strength blend passes zeros (the clean model, widened, computes
 * nothing in them).
 */
import type { ModelTensor } from './model-weights.ts';

const WIDENS = /^(shrink|map\d+|expand)\.(w|b)$/;

/** `trained` embedded in the wider `dims`, or undefined where the parameter does not widen that way. */
export function widenedParam(name: string, trained: ModelTensor, dims: readonly number[], start: Float32Array): Float32Array | undefined {
  const from = trained.dims;
  if (!WIDENS.test(name) || from.length !== dims.length || (from.length !== 1 && from.length !== 4)) return undefined;
  if (from.some((n, i) => n > dims[i]) || from[2] !== dims[2] || from[3] !== dims[3]) return undefined;
  if (trained.values.length !== from.reduce((a, b) => a * b, 1)) return undefined;
  const values = start.slice();
  if (from.length === 1) {
    values.set(trained.values);
    return values;
  }
  const kernel = dims[2] * dims[3];
  for (let o = 0; o < from[0]; o++) {
    const row = o * dims[1] * kernel;
    values.fill(0, row, row + dims[1] * kernel);
    for (let i = 0; i < from[1]; i++) {
      const source = (o * from[1] + i) * kernel;
      values.set(trained.values.subarray(source, source + kernel), row + i * kernel);
    }
  }
  return values;
}
