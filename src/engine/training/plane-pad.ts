import type { Plane } from '../imaging/image.ts';

/** Extends a plane by `by` pixels on every side, repeating the border pixels. */
export function padReplicate(plane: Plane, by: number): Plane {
  if (by === 0) return plane;
  const { width, height, data } = plane;
  const w = width + 2 * by;
  const h = height + 2 * by;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - by));
    for (let x = 0; x < w; x++) out[y * w + x] = data[sy * width + Math.min(width - 1, Math.max(0, x - by))];
  }
  return { width: w, height: h, data: out };
}

/** Removes `by` pixels from every side. */
export function crop(plane: Plane, by: number): Plane {
  if (by === 0) return plane;
  const width = plane.width - 2 * by;
  const height = plane.height - 2 * by;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    out.set(plane.data.subarray((y + by) * plane.width + by, (y + by) * plane.width + by + width), y * width);
  return { width, height, data: out };
}
