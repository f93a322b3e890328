import type { Rng } from '../seeded-random.ts';
import type { BytePlane } from './byte-plane.ts';
import { inputFactor, type PatchGeometry } from './patch-geometry.ts';

/**
 * Texture-weighted patch positions. A flat patch of sky teaches a residual SR network next to nothing (its label is
 * almost its bicubic input), so `texture` sampling draws a patch with probability proportional to the texture of its
 * label (mean |∇| of the HR patch) plus a floor, so that flat regions still appear: the network must also learn to
 * leave them alone.
 *
 * One weight per position would cost a float per pixel of the whole data set. Positions are grouped into
 * CELL×CELL cells instead, each scored at its centre; a draw picks a cell by weight, then a position in it uniformly.
 */
export const CELL = 8;
/** A position's weight is its texture plus this share of the data set's mean texture. */
export const TEXTURE_FLOOR = 0.5;

/** Where a patch is cut: image index and the input-plane position of its top-left pixel. */
export interface PatchPosition {
  image: number;
  ix: number;
  iy: number;
}

/**
 * Where the HR label of the patch at position (ix, iy) lies: its top-left at (ix·factor + offset, iy·factor + offset),
 * size×size.
 */
export interface LabelWindow {
  factor: number;
  offset: number;
  size: number;
}

/** The label window of a PatchSampler patch: positions are input-plane pixels. */
export function patchLabelWindow(geometry: PatchGeometry): LabelWindow {
  return { factor: inputFactor(geometry), offset: geometry.labelOffset, size: geometry.outputSize };
}

export interface ImagePositions {
  /** The HR label plane, which the texture is measured on. */
  target: BytePlane;
  /** Positions along x and y (stride 1). */
  columns: number;
  rows: number;
}

export class TextureCells {
  private readonly image: Uint32Array;
  private readonly x0: Uint32Array;
  private readonly y0: Uint32Array;
  private readonly width: Uint8Array;
  private readonly height: Uint8Array;
  /** cumulative[c]: the summed weight of cells 0..c. */
  private readonly cumulative: Float64Array;

  constructor(images: readonly ImagePositions[], window: LabelWindow) {
    const count = images.reduce((n, im) => n + Math.ceil(im.columns / CELL) * Math.ceil(im.rows / CELL), 0);
    this.image = new Uint32Array(count);
    this.x0 = new Uint32Array(count);
    this.y0 = new Uint32Array(count);
    this.width = new Uint8Array(count);
    this.height = new Uint8Array(count);
    const texture = new Float64Array(count);
    let c = 0;
    for (const [index, im] of images.entries()) {
      if (im.columns === 0 || im.rows === 0) continue;
      const sums = gradientIntegral(im.target);
      for (let y0 = 0; y0 < im.rows; y0 += CELL) {
        for (let x0 = 0; x0 < im.columns; x0 += CELL) {
          const w = Math.min(CELL, im.columns - x0);
          const h = Math.min(CELL, im.rows - y0);
          this.image[c] = index;
          this.x0[c] = x0;
          this.y0[c] = y0;
          this.width[c] = w;
          this.height[c] = h;
          texture[c] = labelTexture(sums, im.target.width, x0 + (w >> 1), y0 + (h >> 1), window);
          c += 1;
        }
      }
    }
    this.cumulative = cumulativeWeights(texture, this.width, this.height);
  }

  /** Draws one position: a cell by weight, then a position inside it uniformly. */
  draw(rng: Rng): PatchPosition {
    const total = this.cumulative[this.cumulative.length - 1];
    const c = firstAbove(this.cumulative, rng.next() * total);
    return { image: this.image[c], ix: this.x0[c] + rng.int(this.width[c]), iy: this.y0[c] + rng.int(this.height[c]) };
  }
}

/** Weight = (texture + floor × mean texture) × positions in the cell; a data set without any texture samples uniformly. */
function cumulativeWeights(texture: Float64Array, width: Uint8Array, height: Uint8Array): Float64Array {
  let positions = 0;
  let textureSum = 0;
  for (let c = 0; c < texture.length; c++) {
    const n = width[c] * height[c];
    positions += n;
    textureSum += texture[c] * n;
  }
  const floor = textureSum > 0 ? (TEXTURE_FLOOR * textureSum) / positions : 1;
  const cumulative = new Float64Array(texture.length);
  let sum = 0;
  for (let c = 0; c < texture.length; c++) {
    sum += (texture[c] + floor) * width[c] * height[c];
    cumulative[c] = sum;
  }
  return cumulative;
}

/** Index of the first entry above `value` (binary search over a non-decreasing array). */
function firstAbove(cumulative: Float64Array, value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Summed-area table of |∂x| + |∂y| (forward differences) of an 8-bit plane: any rectangle's total texture in O(1).
 * Row-major, (width + 1) × (height + 1), with a zero first row and column.
 */
function gradientIntegral(plane: BytePlane): Float64Array {
  const { width, height, data } = plane;
  const stride = width + 1;
  const sums = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const dx = x + 1 < width ? Math.abs(data[p + 1] - data[p]) : 0;
      const dy = y + 1 < height ? Math.abs(data[p + width] - data[p]) : 0;
      row += dx + dy;
      sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row;
    }
  }
  return sums;
}

/** Mean texture of the HR label of the patch at position (ix, iy). */
function labelTexture(sums: Float64Array, width: number, ix: number, iy: number, window: LabelWindow): number {
  const left = ix * window.factor + window.offset;
  const top = iy * window.factor + window.offset;
  const n = window.size;
  const stride = width + 1;
  const total =
    sums[(top + n) * stride + left + n] - sums[top * stride + left + n] - sums[(top + n) * stride + left] + sums[top * stride + left];
  return total / (n * n);
}
