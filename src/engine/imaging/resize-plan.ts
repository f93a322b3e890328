import { SrError } from '../errors.ts';
import { type KernelSpec, RESIZE_KERNELS, type ResizeKernel } from './resize-kernels.ts';

/**
 * The tables of MATLAB's `imresize` (matlab-resize.ts applies them): per dimension, which input pixels each output pixel
 * sums and with what weights, computed once per resize in float64, and optionally with a separable blur folded in.
 */

/**
 * Per output pixel `o`, taps `offsets[o] .. offsets[o+1]-1` of `index` (0-based input pixel) and `weight`.
 * `run4[o]` is 1 when `o` has exactly four taps on consecutive inputs (all but the border pixels of a
 * bicubic upscale): the column pass then reads them without looking up each index.
 */
export interface Contributions {
  offsets: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  run4: Uint8Array;
}

export interface ResizePlan {
  inWidth: number;
  inHeight: number;
  outWidth: number;
  outHeight: number;
  rows: Contributions;
  cols: Contributions;
  verticalFirst: boolean;
}

/**
 * How indices outside the image are brought back inside. MATLAB's imresize.m folds them symmetrically
 * (`aux = [1:n, n:-1:1]`): -1 → 0, -2 → 1, n → n-1, n+1 → n-2. The degradation's crops and blurs fold their borders
 * with this too, which is what lets a blur be folded into a resize's tables with the same result.
 */
export function borderIndex(i: number, n: number): number {
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** MATLAB's `contributions()` for one dimension. `scale` = out/in. */
function contributions(inLength: number, outLength: number, spec: KernelSpec): Contributions {
  const scale = outLength / inLength;
  const shrinkAntialiased = scale < 1 && spec.antialias;
  // Antialiasing widens the kernel by 1/scale and lowers it by scale, so it integrates to the same area.
  const kernelWidth = shrinkAntialiased ? spec.width / scale : spec.width;
  const h = shrinkAntialiased ? (x: number) => scale * spec.fn(scale * x) : spec.fn;
  const taps = Math.ceil(kernelWidth) + 2;

  const offsets = new Int32Array(outLength + 1);
  const index: number[] = [];
  const weight: number[] = [];
  const raw = new Float64Array(taps);
  for (let o = 0; o < outLength; o++) {
    const x = o + 1; // MATLAB is 1-based
    const u = x / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kernelWidth / 2);
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      raw[k] = h(u - (left + k));
      sum += raw[k];
    }
    for (let k = 0; k < taps; k++) {
      const w = raw[k] / sum;
      // Zero weights add nothing; dropping them keeps the inner loops short (MATLAB drops all-zero columns too).
      if (w === 0) continue;
      index.push(borderIndex(left + k - 1, inLength));
      weight.push(w);
    }
    offsets[o + 1] = index.length;
  }
  const run4 = new Uint8Array(outLength);
  for (let o = 0; o < outLength; o++) {
    const t = offsets[o];
    if (offsets[o + 1] - t !== 4) continue;
    const i = index[t];
    run4[o] = index[t + 1] === i + 1 && index[t + 2] === i + 2 && index[t + 3] === i + 3 ? 1 : 0;
  }
  return { offsets, index: Int32Array.from(index), weight: Float64Array.from(weight), run4 };
}

/**
 * The contributions of "convolve with `line` (odd length, centred, the border folded as `borderIndex` folds it),
 * then resize by `c`": each output's taps become the resize's taps spread by the kernel, so a separable blur and a
 * resize cost one pass per dimension over the output's pixels instead of two blur passes over every input pixel.
 * Equal to blurring first up to float rounding (the sums are regrouped). The kernel is read as a correlation (tap k
 * weighs input i + k), as the degradation's blur applies its point-symmetric kernels.
 */
function prefiltered(c: Contributions, line: ArrayLike<number>, inLength: number): Contributions {
  const radius = (line.length - 1) / 2;
  const outLength = c.offsets.length - 1;
  const offsets = new Int32Array(outLength + 1);
  const index: number[] = [];
  const weight: number[] = [];
  const spread = new Float64Array(inLength);
  const seen = new Uint8Array(inLength);
  const touched: number[] = [];
  for (let o = 0; o < outLength; o++) {
    for (let t = c.offsets[o]; t < c.offsets[o + 1]; t++) {
      for (let k = -radius; k <= radius; k++) {
        // A zero weight adds no tap; `seen`, not a zero sum, marks an input as a tap (weights of opposite sign can cancel).
        const w = line[k + radius];
        if (w === 0) continue;
        const i = borderIndex(c.index[t] + k, inLength);
        if (seen[i] === 0) {
          seen[i] = 1;
          touched.push(i);
        }
        spread[i] += c.weight[t] * w;
      }
    }
    touched.sort((a, b) => a - b);
    for (const i of touched) {
      index.push(i);
      weight.push(spread[i]);
      spread[i] = 0;
      seen[i] = 0;
    }
    touched.length = 0;
    offsets[o + 1] = index.length;
  }
  return { offsets, index: Int32Array.from(index), weight: Float64Array.from(weight), run4: new Uint8Array(outLength) };
}

function checkSize(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new SrError(
      'BAD_ARGUMENT',
      `imresize: ${what} must be a positive integer, got ${value}`,
      'Pass whole pixel sizes of at least 1.',
    );
  }
}

/** A separable blur as its two 1-D kernels: `rows` along y (down the columns), `cols` along x. Odd lengths, centred. */
export interface SeparablePrefilter {
  rows: ArrayLike<number>;
  cols: ArrayLike<number>;
}

/**
 * The plan of one resize. With `prefilter` (a separable blur: one 1-D kernel for both dimensions, or one for each), the
 * plan of resizing the input blurred by it first: the blur is folded into both tables (`prefiltered`).
 */
export function planResize(
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel | KernelSpec,
  prefilter?: ArrayLike<number> | SeparablePrefilter,
): ResizePlan {
  checkSize('input width', inWidth);
  checkSize('input height', inHeight);
  checkSize('output width', outWidth);
  checkSize('output height', outHeight);
  const spec = typeof kernel === 'string' ? RESIZE_KERNELS[kernel] : kernel;
  if (!spec)
    throw new SrError('BAD_ARGUMENT', `imresize: unknown kernel "${kernel}"`, `Use one of: ${Object.keys(RESIZE_KERNELS).join(', ')}.`);
  const lines = prefilter === undefined || 'rows' in prefilter ? prefilter : { rows: prefilter, cols: prefilter };
  for (const line of lines ? [lines.rows, lines.cols] : []) {
    if (line.length % 2 !== 1) throw new SrError('BAD_ARGUMENT', `imresize: a prefilter needs an odd number of taps, got ${line.length}`);
  }
  const rows = contributions(inHeight, outHeight, spec);
  const cols = contributions(inWidth, outWidth, spec);
  return {
    inWidth,
    inHeight,
    outWidth,
    outHeight,
    rows: lines ? prefiltered(rows, lines.rows, inHeight) : rows,
    cols: lines ? prefiltered(cols, lines.cols, inWidth) : cols,
    // MATLAB sorts the scales (stable), so on a tie the rows (dimension 1) go first.
    verticalFirst: outHeight / inHeight <= outWidth / inWidth,
  };
}
