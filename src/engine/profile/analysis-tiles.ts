import type { RgbImage } from '../imaging/image.ts';

/**
 * The pixels the estimators look at: a photo as full-range YCbCr planes (JPEG's own JFIF conversion, so σ is in the
 * 8-bit levels the file stores), cut into tiles. A camera photo has far more pixels than the statistics need, so a
 * large one is read as an even grid of tiles covering at most MAX_ANALYSED_PIXELS; tiles start on multiples of 16, so
 * their pixels sit on the JPEG's 8×8 (and 16×16 chroma) block grid just as in the photo.
 */
export interface AnalysisTile {
  /** Where the tile sits in the photo. */
  left: number;
  top: number;
  width: number;
  height: number;
  y: Float32Array;
  cb: Float32Array;
  cr: Float32Array;
  /** 1 where any of R, G, B is at 0 or 255: clipped pixels carry no noise. */
  clipped: Uint8Array;
}

export const MAX_ANALYSED_PIXELS = 1_000_000;
const TILE = 256;
const GRID = 16;

function tileOf(image: RgbImage, left: number, top: number, width: number, height: number): AnalysisTile {
  const n = width * height;
  const tile: AnalysisTile = {
    left,
    top,
    width,
    height,
    y: new Float32Array(n),
    cb: new Float32Array(n),
    cr: new Float32Array(n),
    clipped: new Uint8Array(n),
  };
  const { channels, data } = image;
  for (let row = 0; row < height; row++) {
    let p = ((top + row) * image.width + left) * channels;
    for (let x = 0, o = row * width; x < width; x++, o++, p += channels) {
      const r = data[p];
      const g = data[p + 1];
      const b = data[p + 2];
      tile.y[o] = 0.299 * r + 0.587 * g + 0.114 * b;
      tile.cb[o] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
      tile.cr[o] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
      tile.clipped[o] = r === 0 || g === 0 || b === 0 || r === 255 || g === 255 || b === 255 ? 1 : 0;
    }
  }
  return tile;
}

/** Evenly spread starts of `count` tiles of `size` along a side of `length`, each on the 16-pixel grid. */
function starts(length: number, size: number, count: number): number[] {
  if (count <= 1) return [Math.floor((length - size) / 2 / GRID) * GRID];
  const room = length - size;
  return Array.from({ length: count }, (_, i) => Math.floor((room * i) / (count - 1) / GRID) * GRID);
}

/** The whole image as one tile when it is small enough, else a grid of 256×256 tiles spread over it. */
export function analysisTiles(image: RgbImage, maxPixels = MAX_ANALYSED_PIXELS): AnalysisTile[] {
  if (image.width * image.height <= maxPixels || image.width < TILE || image.height < TILE) {
    return [tileOf(image, 0, 0, image.width, image.height)];
  }
  const wanted = Math.max(1, Math.floor(maxPixels / (TILE * TILE)));
  // As many columns and rows as keep the grid's shape close to the photo's.
  const aspect = image.width / image.height;
  const columns = Math.max(1, Math.min(Math.floor(image.width / TILE), Math.round(Math.sqrt(wanted * aspect))));
  const rows = Math.max(1, Math.min(Math.floor(image.height / TILE), Math.floor(wanted / columns)));
  const tiles: AnalysisTile[] = [];
  for (const top of starts(image.height, TILE, rows)) {
    for (const left of starts(image.width, TILE, columns)) tiles.push(tileOf(image, left, top, TILE, TILE));
  }
  return tiles;
}
