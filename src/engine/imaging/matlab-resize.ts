import { SrError } from '../errors.ts';
import type { Plane, RgbImage } from './image.ts';
import type { KernelSpec, ResizeKernel } from './resize-kernels.ts';
import { type Contributions, planResize, type ResizePlan, type SeparablePrefilter } from './resize-plan.ts';

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
 * as imresize folds it), in the same two passes: the blur is folded into the tables (resize-plan.ts' `prefiltered`),
 * so the pixels between the resize's samples are never blurred.
 */
export function imresize(
  src: Plane,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel | KernelSpec = 'bicubic',
  prefilter?: ArrayLike<number>,
): Plane {
  checkPlane(src);
  return {
    width: outWidth,
    height: outHeight,
    data: planeResizer(src.width, src.height, outWidth, outHeight, kernel, prefilter)(src.data),
  };
}

/**
 * `imresize` for many planes of one size (the channels of a photo): the plan (the contributions tables, with any
 * prefilter folded in) and the intermediate buffer are made once instead of once per plane.
 */
export function planeResizer(
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel | KernelSpec = 'bicubic',
  prefilter?: ArrayLike<number> | SeparablePrefilter,
): (data: Float32Array) => Float32Array {
  const plan = planResize(inWidth, inHeight, outWidth, outHeight, kernel, prefilter);
  const scratch = new Intermediate();
  return (data) => {
    checkPlane({ width: inWidth, height: inHeight, data });
    return applyPlan(plan, data, { x: 0, y: 0, width: outWidth, height: outHeight }, scratch);
  };
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
