import { dropAlpha } from './alpha-channel.ts';
import type { RgbImage, Samples } from './image.ts';

/**
 * The RGB of an RGBA photo, each fully transparent pixel given the colour of the nearest visible one. Editors often
 * store black there, and nothing shows it until an interpolation or a model reads across the edge of a cutout:
 * enlarged, its half-transparent rim then took half of that black (a dark fringe: edge colour 111 of 230 on a ×2
 * logo). The nearest visible pixel is found by a two-pass sweep (the 8SSEDT scheme: each pixel takes the closest of its
 * already-swept neighbours' nearest pixels), in O(pixels), so the colour next to every edge is that edge's own.
 * Visible pixels keep their colours exactly; an image with no fully transparent pixel, or nothing visible, is
 * returned as its RGB.
 */
export function rgbWithTransparentFilled<D extends Samples>(image: RgbImage<D>): RgbImage<D> {
  const rgb = dropAlpha(image);
  if (image.channels !== 4 || !hasTransparent(image)) return rgb;
  const nearest = nearestVisible(image);
  if (!nearest) return rgb;
  for (let i = 0; i < nearest.length; i++) {
    const from = nearest[i];
    if (from === i) continue;
    rgb.data[i * 3] = rgb.data[from * 3];
    rgb.data[i * 3 + 1] = rgb.data[from * 3 + 1];
    rgb.data[i * 3 + 2] = rgb.data[from * 3 + 2];
  }
  return rgb;
}

/** Whether any pixel is fully transparent (many RGBA photos are opaque throughout: they need no search). */
function hasTransparent({ data }: RgbImage<Samples>): boolean {
  for (let p = 3; p < data.length; p += 4) if (data[p] === 0) return true;
  return false;
}

/** For every pixel, the index of the (nearly) nearest pixel with alpha > 0; undefined when none is visible. */
function nearestVisible({ width, height, data }: RgbImage<Samples>): Int32Array | undefined {
  const n = width * height;
  const nearest = new Int32Array(n).fill(-1);
  let visible = 0;
  for (let i = 0; i < n; i++) {
    if (data[i * 4 + 3] !== 0) {
      nearest[i] = i;
      visible += 1;
    }
  }
  if (visible === 0) return undefined;
  /** Takes the neighbour's nearest pixel for pixel (x, y) when it is closer than the one it has. */
  const offer = (x: number, y: number, neighbour: number): void => {
    const candidate = nearest[neighbour];
    if (candidate < 0) return;
    const i = y * width + x;
    const current = nearest[i];
    if (current === i) return;
    if (current < 0 || squaredDistance(x, y, candidate, width) < squaredDistance(x, y, current, width)) nearest[i] = candidate;
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (x > 0) offer(x, y, row + x - 1);
      if (y > 0) {
        const above = row - width + x;
        offer(x, y, above);
        if (x > 0) offer(x, y, above - 1);
        if (x < width - 1) offer(x, y, above + 1);
      }
    }
    for (let x = width - 2; x >= 0; x--) offer(x, y, row + x + 1);
  }
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = width - 1; x >= 0; x--) {
      if (x < width - 1) offer(x, y, row + x + 1);
      if (y < height - 1) {
        const below = row + width + x;
        offer(x, y, below);
        if (x > 0) offer(x, y, below - 1);
        if (x < width - 1) offer(x, y, below + 1);
      }
    }
    for (let x = 1; x < width; x++) offer(x, y, row + x - 1);
  }
  return nearest;
}

function squaredDistance(x: number, y: number, index: number, width: number): number {
  const cy = Math.floor(index / width);
  const dx = index - cy * width - x;
  const dy = cy - y;
  return dx * dx + dy * dy;
}
