/**
 * Splits an image (in model-input pixels) into tiles that all have the same window size, so any of them
 * can share one `session.run` batch.
 *
 * Coordinates: the model reads a *window* of input pixels and writes `ratio·(window − 2·crop)` output pixels.
 * The image is virtually padded by `crop` pixels on each side (the source replicates or mirrors the border), so a
 * valid-convolution model still produces an output for every pixel. Each tile owns a *core* (a partition of
 * the image); its window is the core plus `halo + crop` on each side, shifted inwards at the image border so
 * that every window has the same size. A core pixel is then either at least `halo` from the window edge, or
 * the window edge is the image edge, where the model's own padding acts exactly as on the whole image. That
 * is why the stitched output equals the whole-image output.
 */
export interface Span {
  /** Core start and end (exclusive), in input pixels. */
  start: number;
  end: number;
  /** Window start in input pixels (may be negative down to −crop: the padded border). */
  windowStart: number;
}

export interface Tile {
  index: number;
  x: Span;
  y: Span;
}

export interface TilePlan {
  tiles: Tile[];
  /** Window size in input pixels, the same for every tile. */
  windowWidth: number;
  windowHeight: number;
}

export interface PlanOptions {
  width: number;
  height: number;
  /** Largest core side in input pixels. */
  tile: number;
  /** Context each side beyond the crop, in input pixels: at least the receptive radius minus the crop. */
  halo: number;
  crop: number;
}

function spans(size: number, tile: number, halo: number, crop: number): { spans: Span[]; window: number } {
  const count = Math.max(1, Math.ceil(size / tile));
  // Even splits, so the last core is not a sliver that costs a whole window.
  const core = Math.ceil(size / count);
  const window = Math.min(core + 2 * (halo + crop), size + 2 * crop);
  const result: Span[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * size) / count);
    const end = Math.floor(((i + 1) * size) / count);
    const wanted = start - halo - crop;
    const windowStart = Math.max(-crop, Math.min(wanted, size + crop - window));
    result.push({ start, end, windowStart });
  }
  return { spans: result, window };
}

export function planTiles({ width, height, tile, halo, crop }: PlanOptions): TilePlan {
  if (!(tile >= 1)) throw new RangeError(`tile must be ≥ 1, got ${tile}`);
  const xs = spans(width, tile, halo, crop);
  const ys = spans(height, tile, halo, crop);
  const tiles: Tile[] = [];
  for (const y of ys.spans) for (const x of xs.spans) tiles.push({ index: tiles.length, x, y });
  return { tiles, windowWidth: xs.window, windowHeight: ys.window };
}
