import { SrError } from '../errors.ts';
import type { Plane, RgbImage } from './image.ts';
import { type KernelSpec, RESIZE_KERNELS, type ResizeKernel } from './resize-kernels.ts';

export type { ResizeKernel } from './resize-kernels.ts';

/**
 * MATLAB's `imresize`, reimplemented exactly (see docs/sr-protocol.md): the SR evaluation protocol degrades and
 * upsamples with it, and any other bicubic gives numbers that cannot be compared with published ones.
 *
 * Per dimension, each output pixel is a normalised weighted sum of input pixels (a "contributions" table,
 * computed once per dimension in float64). The two dimensions are resized separately, the one with the smaller
 * scale first, like MATLAB. Intermediate values stay float64 and are never rounded; only the final plane is float32.
 */

export interface ResizeRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Per output pixel `o`, taps `offsets[o] .. offsets[o+1]-1` of `index` (0-based input pixel) and `weight`.
 * `run4[o]` is 1 when `o` has exactly four taps on consecutive inputs (all but the border pixels of a
 * bicubic upscale): the column pass then reads them without looking up each index.
 */
interface Contributions {
  offsets: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  run4: Uint8Array;
}

interface ResizePlan {
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
 * (`aux = [1:n, n:-1:1]`): -1 → 0, -2 → 1, n → n-1, n+1 → n-2.
 */
function borderIndex(i: number, n: number): number {
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

function planResize(inWidth: number, inHeight: number, outWidth: number, outHeight: number, kernel: ResizeKernel | KernelSpec): ResizePlan {
  checkSize('input width', inWidth);
  checkSize('input height', inHeight);
  checkSize('output width', outWidth);
  checkSize('output height', outHeight);
  const spec = typeof kernel === 'string' ? RESIZE_KERNELS[kernel] : kernel;
  if (!spec)
    throw new SrError('BAD_ARGUMENT', `imresize: unknown kernel "${kernel}"`, `Use one of: ${Object.keys(RESIZE_KERNELS).join(', ')}.`);
  return {
    inWidth,
    inHeight,
    outWidth,
    outHeight,
    rows: contributions(inHeight, outHeight, spec),
    cols: contributions(inWidth, outWidth, spec),
    // MATLAB sorts the scales (stable), so on a tie the rows (dimension 1) go first.
    verticalFirst: outHeight / inHeight <= outWidth / inWidth,
  };
}

/** Smallest and largest input index the taps of outputs [start, start+count) read. */
function inputSpan(c: Contributions, start: number, count: number): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let t = c.offsets[start]; t < c.offsets[start + count]; t++) {
    const i = c.index[t];
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return { lo, hi };
}

type FloatBuffer = Float32Array | Float64Array;

/** Float64 scratch for row accumulations, grown as needed and reused (one allocation per resize otherwise). */
let rowScratch = new Float64Array(0);

/**
 * Resizes along rows. Reads `src` (row stride `srcStride`, whose row 0 is input row `srcRow0`), columns
 * [srcCol0, srcCol0+cols); writes output rows [outRow0, outRow0+outRows) into `dst` (stride `cols`).
 * Works a whole row at a time so that memory is read sequentially. Every value is the float64 sum
 * `0 + w0·s0 + w1·s1 + …` in tap order whichever path computes it, so all paths give the same bits.
 */
function resizeRows(
  src: FloatBuffer,
  srcStride: number,
  srcRow0: number,
  srcCol0: number,
  cols: number,
  c: Contributions,
  outRow0: number,
  outRows: number,
  dst: FloatBuffer,
): void {
  const { offsets, index, weight } = c;
  for (let r = 0; r < outRows; r++) {
    const o = outRow0 + r;
    const t = offsets[o];
    const taps = offsets[o + 1] - t;
    const d = r * cols;
    if (taps === 4) {
      // Bicubic's usual case: four source rows at once, the sum kept in a register.
      const w0 = weight[t];
      const w1 = weight[t + 1];
      const w2 = weight[t + 2];
      const w3 = weight[t + 3];
      const b0 = (index[t] - srcRow0) * srcStride + srcCol0;
      const b1 = (index[t + 1] - srcRow0) * srcStride + srcCol0;
      const b2 = (index[t + 2] - srcRow0) * srcStride + srcCol0;
      const b3 = (index[t + 3] - srcRow0) * srcStride + srcCol0;
      for (let x = 0; x < cols; x++) dst[d + x] = 0 + w0 * src[b0 + x] + w1 * src[b1 + x] + w2 * src[b2 + x] + w3 * src[b3 + x];
      continue;
    }
    if (rowScratch.length < cols) rowScratch = new Float64Array(cols);
    const acc = rowScratch;
    acc.fill(0, 0, cols);
    for (let k = t; k < t + taps; k++) {
      const w = weight[k];
      const base = (index[k] - srcRow0) * srcStride + srcCol0;
      for (let x = 0; x < cols; x++) acc[x] += w * src[base + x];
    }
    for (let x = 0; x < cols; x++) dst[d + x] = acc[x];
  }
}

/**
 * Resizes along columns. Reads `rows` rows of `src` (stride `srcStride`, whose column 0 is input column
 * `srcCol0`); writes output columns [outCol0, outCol0+outCols) into `dst` (stride `outCols`).
 */
function resizeCols(
  src: FloatBuffer,
  srcStride: number,
  srcCol0: number,
  rows: number,
  c: Contributions,
  outCol0: number,
  outCols: number,
  dst: FloatBuffer,
): void {
  const { offsets, index, weight, run4 } = c;
  let y = 0;
  // Two rows per sweep where both exist: each pixel's taps (weights, first index) are loaded once for both rows.
  for (; y + 1 < rows; y += 2) {
    const rowBase = y * srcStride - srcCol0;
    const nextBase = rowBase + srcStride;
    const outBase = y * outCols;
    for (let x = 0; x < outCols; x++) {
      const o = outCol0 + x;
      const t = offsets[o];
      if (run4[o] === 1) {
        const w0 = weight[t];
        const w1 = weight[t + 1];
        const w2 = weight[t + 2];
        const w3 = weight[t + 3];
        const a = rowBase + index[t];
        const b = nextBase + index[t];
        dst[outBase + x] = 0 + w0 * src[a] + w1 * src[a + 1] + w2 * src[a + 2] + w3 * src[a + 3];
        dst[outBase + outCols + x] = 0 + w0 * src[b] + w1 * src[b + 1] + w2 * src[b + 2] + w3 * src[b + 3];
      } else {
        dst[outBase + x] = tapSum(src, rowBase, c, o);
        dst[outBase + outCols + x] = tapSum(src, nextBase, c, o);
      }
    }
  }
  for (; y < rows; y++) {
    const rowBase = y * srcStride - srcCol0;
    const outBase = y * outCols;
    for (let x = 0; x < outCols; x++) dst[outBase + x] = tapSum(src, rowBase, c, outCol0 + x);
  }
}

/** Output pixel `o` of the row of `src` starting at `rowBase`: `0 + w0·s0 + w1·s1 + …` in tap order, in float64. */
function tapSum(src: FloatBuffer, rowBase: number, c: Contributions, o: number): number {
  const { offsets, index, weight } = c;
  const t = offsets[o];
  let acc = 0;
  if (offsets[o + 1] - t === 4) {
    // Bicubic's usual case, unrolled: the same additions in the same order as the loop, so the same result.
    acc =
      acc +
      weight[t] * src[rowBase + index[t]] +
      weight[t + 1] * src[rowBase + index[t + 1]] +
      weight[t + 2] * src[rowBase + index[t + 2]] +
      weight[t + 3] * src[rowBase + index[t + 3]];
  } else {
    for (let k = t; k < offsets[o + 1]; k++) acc += weight[k] * src[rowBase + index[k]];
  }
  return acc;
}

/**
 * The float64 intermediate between the two passes. A region resizer keeps one across its regions (the bands of a
 * photo are megabytes each, and every value is written before it is read, so it needs no clearing); it goes
 * with the resizer, so nothing stays allocated after a photo.
 */
class Intermediate {
  private buffer = new Float64Array(0);
  take(length: number): Float64Array {
    if (this.buffer.length < length) this.buffer = new Float64Array(length);
    return this.buffer.subarray(0, length);
  }
}

/**
 * Computes the output window `region` only. Every output value goes through exactly the same float64
 * operations in the same order as in the full resize, so a window is bit-identical to a crop of the whole.
 */
function applyPlan(
  plan: ResizePlan,
  src: FloatBuffer,
  region: ResizeRegion,
  scratch: Intermediate = new Intermediate(),
  into?: Float32Array,
): Float32Array {
  const { x, y, width, height } = region;
  const out = into ? into.subarray(0, width * height) : new Float32Array(width * height);
  if (plan.verticalFirst) {
    const span = inputSpan(plan.cols, x, width);
    const tmpWidth = span.hi - span.lo + 1;
    const tmp = scratch.take(tmpWidth * height);
    resizeRows(src, plan.inWidth, 0, span.lo, tmpWidth, plan.rows, y, height, tmp);
    resizeCols(tmp, tmpWidth, span.lo, height, plan.cols, x, width, out);
  } else {
    const span = inputSpan(plan.rows, y, height);
    const tmpHeight = span.hi - span.lo + 1;
    const tmp = scratch.take(width * tmpHeight);
    resizeCols(src.subarray(span.lo * plan.inWidth), plan.inWidth, 0, tmpHeight, plan.cols, x, width, tmp);
    resizeRows(tmp, width, span.lo, 0, width, plan.rows, y, height, out);
  }
  return out;
}

function checkPlane(src: Plane): void {
  if (src.data.length !== src.width * src.height) {
    throw new SrError('BAD_ARGUMENT', `imresize: plane data has ${src.data.length} values for ${src.width}×${src.height}`);
  }
}

/**
 * MATLAB `imresize(src, [outHeight outWidth], kernel)` on a float plane; the result is not rounded. With `prefilter`
 * (a separable blur's 1-D kernel), the resize of `src` blurred by it along both dimensions first (the border folded
 * as imresize folds it), in the same two passes: the blur is folded into the tables (`prefiltered`), so the pixels
 * between the resize's samples are never blurred.
 */
export function imresize(
  src: Plane,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel | KernelSpec = 'bicubic',
  prefilter?: ArrayLike<number>,
): Plane {
  checkPlane(src);
  if (prefilter !== undefined && prefilter.length % 2 !== 1) {
    throw new SrError('BAD_ARGUMENT', `imresize: a prefilter needs an odd number of taps, got ${prefilter.length}`);
  }
  const plain = planResize(src.width, src.height, outWidth, outHeight, kernel);
  const plan = prefilter
    ? { ...plain, rows: prefiltered(plain.rows, prefilter, src.height), cols: prefiltered(plain.cols, prefilter, src.width) }
    : plain;
  return { width: outWidth, height: outHeight, data: applyPlan(plan, src.data, { x: 0, y: 0, width: outWidth, height: outHeight }) };
}

/**
 * `imresizeRegion` for many regions of one resize (the tiler's bands): the plan (the contributions tables) and
 * the intermediate buffer are made once instead of once per region. With `into`, the region's values are
 * written to its start instead of a new array (the returned plane's data is then a view of it).
 */
export function regionResizer(
  src: Plane,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel = 'bicubic',
): (region: ResizeRegion, into?: Float32Array) => Plane {
  checkPlane(src);
  const plan = planResize(src.width, src.height, outWidth, outHeight, kernel);
  const scratch = new Intermediate();
  return (region, into) => {
    checkRegion(region, outWidth, outHeight);
    if (into && into.length < region.width * region.height) {
      throw new SrError('BAD_ARGUMENT', `imresizeRegion: ${into.length} values cannot hold a ${region.width}×${region.height} region`);
    }
    return { width: region.width, height: region.height, data: applyPlan(plan, src.data, region, scratch, into) };
  };
}

function checkRegion({ x, y, width, height }: ResizeRegion, outWidth: number, outHeight: number): void {
  const inside = [x, y, width, height].every(Number.isInteger) && x >= 0 && y >= 0 && width >= 1 && height >= 1;
  if (!inside || x + width > outWidth || y + height > outHeight) {
    throw new SrError(
      'BAD_ARGUMENT',
      `imresizeRegion: region ${width}×${height} at (${x},${y}) is not inside the ${outWidth}×${outHeight} output`,
      'Pass a non-empty integer window inside the output size.',
    );
  }
}

/**
 * Exactly `imresize(src, outWidth, outHeight, kernel)` cropped to `region`, computing only that window, so that
 * tiled processing of very large photos stays memory-bounded.
 */
export function imresizeRegion(
  src: Plane,
  outWidth: number,
  outHeight: number,
  region: ResizeRegion,
  kernel: ResizeKernel = 'bicubic',
): Plane {
  return regionResizer(src, outWidth, outHeight, kernel)(region);
}

/** Resizes every channel (alpha included) with MATLAB's imresize, then rounds and clips to uint8 like MATLAB does. */
export function imresizeRgb(image: RgbImage, outWidth: number, outHeight: number, kernel: ResizeKernel = 'bicubic'): RgbImage {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new SrError('BAD_ARGUMENT', `imresizeRgb: image data has ${data.length} bytes for ${width}×${height}×${channels}`);
  }
  const plan = planResize(width, height, outWidth, outHeight, kernel);
  const out = new Uint8Array(outWidth * outHeight * channels);
  const plane = new Float32Array(width * height);
  const full = { x: 0, y: 0, width: outWidth, height: outHeight };
  const scratch = new Intermediate();
  const resized = new Float32Array(outWidth * outHeight);
  for (let ch = 0; ch < channels; ch++) {
    for (let i = 0, p = ch; i < plane.length; i++, p += channels) plane[i] = data[p];
    applyPlan(plan, plane, full, scratch, resized);
    for (let i = 0, p = ch; i < resized.length; i++, p += channels) {
      const v = resized[i];
      out[p] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}
