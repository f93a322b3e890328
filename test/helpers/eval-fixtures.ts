import type { RgbImage } from '../../src/engine/imaging/image.ts';
import { mulberry32 } from '../../src/engine/seeded-random.ts';

/** The uint32 stream of mulberry32, under the name the metrics and resize tests know it by. */
export { mulberry32 as prng };

/**
 * A deterministic "photo-like" RGB image: smooth gradients, hard edges (a disc and a bar), and a smoothed
 * random texture. Integer arithmetic only, so the pixels never depend on Math.sin & co.
 * The protocol test hard-codes scores computed from exactly these pixels; if you change this, recompute them.
 */
export function photoLikeImage(width: number, height: number, seed: number): RgbImage {
  // mulberry32 is integer-only, so the fixture is bit-identical on every machine.
  const next = mulberry32(seed);
  const noise = new Int32Array((width + 4) * (height + 4));
  for (let i = 0; i < noise.length; i++) noise[i] = next() & 255;
  const data = new Uint8Array(width * height * 3);
  const cx = (width * 3) >> 3;
  const cy = (height * 5) >> 3;
  const r2 = ((Math.min(width, height) * Math.min(width, height)) / 9) | 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // 3×3 box-smoothed noise: texture with some spatial correlation, like foliage or fabric.
      let t = 0;
      for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) t += noise[(y + dy) * (width + 4) + x + dx];
      const texture = ((t / 9) | 0) - 128;
      const inDisc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r2;
      const inBar = x > (width * 5) >> 3 && x < (width * 6) >> 3;
      let r = ((x * 200) / width) | 0;
      let g = ((y * 180) / height + 40) | 0;
      let b = (((x + y) * 120) / (width + height) + 60) | 0;
      if (inDisc) {
        r = 230 - (r >> 2);
        g = (g >> 1) + 20;
      }
      if (inBar) b = 20;
      const amount = inDisc ? 2 : 1; // strongly textured background, smoother disc
      const p = (y * width + x) * 3;
      data[p] = clamp(r + ((texture * 3) >> amount));
      data[p + 1] = clamp(g + ((texture * 2) >> amount));
      data[p + 2] = clamp(b + (texture >> amount));
    }
  }
  return { width, height, channels: 3, data };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/** FNV-1a of the pixel bytes: lets a test tell "the fixture changed" apart from "the code under test changed". */
export function fnv1a(data: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const v of data) {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}
