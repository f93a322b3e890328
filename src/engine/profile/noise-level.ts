import type { AnalysisTile } from './analysis-tiles.ts';

/**
 * Noise σ by Immerkær's estimator ("Fast noise variance estimation", 1996), restricted to the flattest blocks.
 *
 * The mask M = [1 −2 1; −2 4 −2; 1 −2 1] is the difference of two Laplacians: it cancels constant, linear and
 * quadratic image content, so in smooth areas what it leaves is noise. For white Gaussian noise of σ, I∗M is Gaussian
 * with σ·√36, whose mean absolute value is 6σ·√(2/π): σ = √(π/2)/6 · mean|I∗M|.
 *
 * Edges and texture also pass the mask, so only weak-texture blocks count: 16×16 blocks ranked by the gradient of a
 * 3×3-smoothed image (smoothing keeps the ranking from favouring blocks whose noise happens to be low), the flattest
 * 10 % kept, clipped blocks left out (a pixel at 0 or 255 has lost its noise), and the median of their per-block σ
 * taken, so a few textured blocks among them cannot pull the estimate up.
 *
 * This is the raw measurement. noise-reading.ts takes out what the photo's texture reads; after a JPEG, which removes
 * much of the noise, the reading is low, and calibration.ts maps it back to the σ before the JPEG.
 */
export interface RawNoise {
  y: number;
  cb: number;
  cr: number;
  /** How many blocks the estimate rests on. */
  blocks: number;
}

const BLOCK = 16;
const FLAT_SHARE = 0.1;
const MIN_BLOCKS = 8;
const IMMERKAER = Math.sqrt(Math.PI / 2) / 6;

/** A 16×16 block of a tile, by its tile's index and its top-left corner. */
export interface FlatBlock {
  tile: number;
  x: number;
  y: number;
}

/** |I∗M| at (x, y), an interior pixel. */
function laplacianDifference(p: Float32Array, i: number, w: number): number {
  const up = i - w;
  const down = i + w;
  return Math.abs(p[up - 1] - 2 * p[up] + p[up + 1] - 2 * p[i - 1] + 4 * p[i] - 2 * p[i + 1] + p[down - 1] - 2 * p[down] + p[down + 1]);
}

/** A 3×3 box blur of the interior (the 1-pixel border keeps its values). */
function boxBlur(p: Float32Array, w: number, h: number): Float32Array {
  const out = p.slice();
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      out[i] = (p[i - w - 1] + p[i - w] + p[i - w + 1] + p[i - 1] + p[i] + p[i + 1] + p[i + w - 1] + p[i + w] + p[i + w + 1]) / 9;
    }
  }
  return out;
}

/** The plane averaged over 2×2 cells: chroma is measured at the resolution a 4:2:0 JPEG stores it at. */
function halve(p: Float32Array, w: number, h: number): { data: Float32Array; width: number; height: number } {
  const width = w >> 1;
  const height = h >> 1;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 2 * y * w + 2 * x;
      data[y * width + x] = (p[i] + p[i + 1] + p[i + w] + p[i + w + 1]) / 4;
    }
  }
  return { data, width, height };
}

/** Mean |I∗M| over the block [x0, x1) × [y0, y1) of a plane, leaving out its outermost ring of pixels. */
function blockResidual(p: Float32Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let count = 0;
  for (let y = Math.max(y0, 1); y < Math.min(y1, h - 1); y++) {
    for (let x = Math.max(x0, 1), i = y * w + x; x < Math.min(x1, w - 1); x++, i++) {
      sum += laplacianDifference(p, i, w);
      count++;
    }
  }
  return count > 0 ? (IMMERKAER * sum) / count : 0;
}

/** |∂x| + |∂y| of each plane, summed over Y, Cb and Cr: how much texture (of any colour) a pixel sits in. */
function textureMap(planes: readonly Float32Array[], w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (const p of planes) {
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) out[i] += Math.abs(p[i + 1] - p[i - 1]) + Math.abs(p[i + w] - p[i - w]);
    }
  }
  return out;
}

/** Every unclipped block of a tile with its texture (mean smoothed gradient), for ranking. */
function tileBlocks(tile: AnalysisTile, index: number, out: (FlatBlock & { texture: number })[]): void {
  const { width: w, height: h } = tile;
  const texture = textureMap([boxBlur(tile.y, w, h), boxBlur(tile.cb, w, h), boxBlur(tile.cr, w, h)], w, h);
  for (let by = 0; by + BLOCK <= h; by += BLOCK) {
    for (let bx = 0; bx + BLOCK <= w; bx += BLOCK) {
      let sum = 0;
      let count = 0;
      let clipped = false;
      for (let y = Math.max(by, 1); y < Math.min(by + BLOCK, h - 1) && !clipped; y++) {
        for (let x = Math.max(bx, 1), i = y * w + x; x < Math.min(bx + BLOCK, w - 1); x++, i++) {
          if (tile.clipped[i]) clipped = true;
          sum += texture[i];
          count++;
        }
      }
      if (!clipped && count >= (BLOCK * BLOCK) / 2) out.push({ tile: index, x: bx, y: by, texture: sum / count });
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The flattest 10 % of the tiles' unclipped blocks; undefined when there are too few blocks to say. */
export function flatBlocks(tiles: readonly AnalysisTile[]): FlatBlock[] | undefined {
  const blocks: (FlatBlock & { texture: number })[] = [];
  for (const [index, tile] of tiles.entries()) tileBlocks(tile, index, blocks);
  if (blocks.length < MIN_BLOCKS) return undefined;
  blocks.sort((a, b) => a.texture - b.texture);
  return blocks.slice(0, Math.max(MIN_BLOCKS, Math.ceil(blocks.length * FLAT_SHARE))).map(({ tile, x, y }) => ({ tile, x, y }));
}

/**
 * The median per-block σ on the given blocks: luma at full resolution, chroma at half (where a 4:2:0 JPEG keeps
 * it). `tiles` may be other pixels of the same geometry (the reference a texture correction reads).
 */
export function readBlocks(tiles: readonly AnalysisTile[], blocks: readonly FlatBlock[]): RawNoise {
  const halves = new Map<number, { cb: ReturnType<typeof halve>; cr: ReturnType<typeof halve> }>();
  const y: number[] = [];
  const cb: number[] = [];
  const cr: number[] = [];
  const half = BLOCK / 2;
  for (const block of blocks) {
    const tile = tiles[block.tile];
    let chroma = halves.get(block.tile);
    if (!chroma) {
      chroma = { cb: halve(tile.cb, tile.width, tile.height), cr: halve(tile.cr, tile.width, tile.height) };
      halves.set(block.tile, chroma);
    }
    const cx = block.x / 2;
    const cy = block.y / 2;
    y.push(blockResidual(tile.y, tile.width, tile.height, block.x, block.y, block.x + BLOCK, block.y + BLOCK));
    cb.push(blockResidual(chroma.cb.data, chroma.cb.width, chroma.cb.height, cx, cy, cx + half, cy + half));
    cr.push(blockResidual(chroma.cr.data, chroma.cr.width, chroma.cr.height, cx, cy, cx + half, cy + half));
  }
  return { y: median(y), cb: median(cb), cr: median(cr), blocks: blocks.length };
}

/** The raw noise measurement of a photo's tiles; undefined when it has too few unclipped blocks to say. */
export function measureNoise(tiles: readonly AnalysisTile[]): RawNoise | undefined {
  const blocks = flatBlocks(tiles);
  return blocks && readBlocks(tiles, blocks);
}
