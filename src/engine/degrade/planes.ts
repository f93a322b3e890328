import type { RgbImage } from '../imaging/image.ts';
import { borderIndex } from '../imaging/resize-plan.ts';

/**
 * An RGB image as three float planes on the 8-bit scale. The degradation steps work on it: values stay unrounded
 * and unclipped between steps (as light does before a camera quantises it), and become bytes only for a JPEG or at
 * the end.
 */
export interface RgbPlanes {
  width: number;
  height: number;
  planes: [Float32Array, Float32Array, Float32Array];
}

export function emptyPlanes(width: number, height: number): RgbPlanes {
  const n = width * height;
  return { width, height, planes: [new Float32Array(n), new Float32Array(n), new Float32Array(n)] };
}

/**
 * The window [left, left+width) × [top, top+height) of an interleaved image as planes. Parts of the window outside
 * the image are mirrored in, so a crop near the border still has the margin its blur kernel reads.
 */
export function cropPlanes(image: RgbImage, left: number, top: number, width: number, height: number): RgbPlanes {
  const out = emptyPlanes(width, height);
  const [r, g, b] = out.planes;
  const { channels, data } = image;
  const inside = left >= 0 && top >= 0 && left + width <= image.width && top + height <= image.height;
  for (let y = 0; y < height; y++) {
    const sy = inside ? top + y : borderIndex(top + y, image.height);
    const row = sy * image.width;
    for (let x = 0, o = y * width; x < width; x++, o++) {
      const sx = inside ? left + x : borderIndex(left + x, image.width);
      const p = (row + sx) * channels;
      r[o] = data[p];
      g[o] = data[p + 1];
      b[o] = data[p + 2];
    }
  }
  return out;
}

/** Rounds half up and clips to [0, 255], as an 8-bit image stores a value. */
function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** The planes as interleaved 8-bit RGB. */
export function planesToImage({ width, height, planes }: RgbPlanes): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const [r, g, b] = planes;
  for (let i = 0, p = 0; i < r.length; i++, p += 3) {
    data[p] = toByte(r[i]);
    data[p + 1] = toByte(g[i]);
    data[p + 2] = toByte(b[i]);
  }
  return { width, height, channels: 3, data };
}

/** Interleaved RGB (alpha ignored) as planes. */
export function imageToPlanes(image: RgbImage): RgbPlanes {
  return cropPlanes(image, 0, 0, image.width, image.height);
}

/** Rounds every value to what an 8-bit image would store. */
export function quantise(planes: RgbPlanes): RgbPlanes {
  for (const plane of planes.planes) for (let i = 0; i < plane.length; i++) plane[i] = toByte(plane[i]);
  return planes;
}
