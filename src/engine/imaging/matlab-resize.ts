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

/** Per output pixel `o`, taps `offsets[o] .. offsets[o+1]-1` of `index` (0-based input pixel) and `weight`. */
interface Contributions {
  offsets: Int32Array;
  index: Int32Array;
  weight: Float64Array;
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
  return { offsets, index: Int32Array.from(index), weight: Float64Array.from(weight) };
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

function planResize(inWidth: number, inHeight: number, outWidth: number, outHeight: number, kernel: ResizeKernel): ResizePlan {
  checkSize('input width', inWidth);
  checkSize('input height', inHeight);
  checkSize('output width', outWidth);
  checkSize('output height', outHeight);
  const spec = RESIZE_KERNELS[kernel];
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

/**
 * Resizes along rows. Reads `src` (row stride `srcStride`, whose row 0 is input row `srcRow0`), columns
 * [srcCol0, srcCol0+cols); writes output rows [outRow0, outRow0+outRows) into `dst` (stride `cols`).
 * Accumulates a whole row at a time so that memory is read sequentially.
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
  const acc = new Float64Array(cols);
  for (let r = 0; r < outRows; r++) {
    acc.fill(0);
    const o = outRow0 + r;
    for (let t = c.offsets[o]; t < c.offsets[o + 1]; t++) {
      const w = c.weight[t];
      const base = (c.index[t] - srcRow0) * srcStride + srcCol0;
      for (let x = 0; x < cols; x++) acc[x] += w * src[base + x];
    }
    dst.set(acc, r * cols);
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
  const { offsets, index, weight } = c;
  for (let y = 0; y < rows; y++) {
    const rowBase = y * srcStride - srcCol0;
    const outBase = y * outCols;
    for (let x = 0; x < outCols; x++) {
      const o = outCol0 + x;
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
      dst[outBase + x] = acc;
    }
  }
}

/**
 * Computes the output window `region` only. Every output value goes through exactly the same float64
 * operations in the same order as in the full resize, so a window is bit-identical to a crop of the whole.
 */
function applyPlan(plan: ResizePlan, src: FloatBuffer, region: ResizeRegion): Float32Array {
  const { x, y, width, height } = region;
  const out = new Float32Array(width * height);
  if (plan.verticalFirst) {
    const span = inputSpan(plan.cols, x, width);
    const tmpWidth = span.hi - span.lo + 1;
    const tmp = new Float64Array(tmpWidth * height);
    resizeRows(src, plan.inWidth, 0, span.lo, tmpWidth, plan.rows, y, height, tmp);
    resizeCols(tmp, tmpWidth, span.lo, height, plan.cols, x, width, out);
  } else {
    const span = inputSpan(plan.rows, y, height);
    const tmpHeight = span.hi - span.lo + 1;
    const tmp = new Float64Array(width * tmpHeight);
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

/** MATLAB `imresize(src, [outHeight outWidth], kernel)` on a float plane; the result is not rounded. */
export function imresize(src: Plane, outWidth: number, outHeight: number, kernel: ResizeKernel = 'bicubic'): Plane {
  checkPlane(src);
  const plan = planResize(src.width, src.height, outWidth, outHeight, kernel);
  return { width: outWidth, height: outHeight, data: applyPlan(plan, src.data, { x: 0, y: 0, width: outWidth, height: outHeight }) };
}

/**
 * `imresizeRegion` for many regions of one resize (the tiler's bands): the plan (the contributions tables) is
 * made once instead of once per region.
 */
export function regionResizer(
  src: Plane,
  outWidth: number,
  outHeight: number,
  kernel: ResizeKernel = 'bicubic',
): (region: ResizeRegion) => Plane {
  checkPlane(src);
  const plan = planResize(src.width, src.height, outWidth, outHeight, kernel);
  return (region) => {
    checkRegion(region, outWidth, outHeight);
    return { width: region.width, height: region.height, data: applyPlan(plan, src.data, region) };
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
  for (let ch = 0; ch < channels; ch++) {
    for (let i = 0, p = ch; i < plane.length; i++, p += channels) plane[i] = data[p];
    const resized = applyPlan(plan, plane, full);
    for (let i = 0, p = ch; i < resized.length; i++, p += channels) {
      const v = resized[i];
      out[p] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}
