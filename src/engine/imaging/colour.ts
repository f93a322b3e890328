import { type Plane, type RgbImage, type Samples, sampleMax } from './image.ts';

// BT.601 "studio swing" as MATLAB's rgb2ycbcr computes it for uint8 input (values in [0,255]).
// The SR protocol scores on this Y, so these constants must not be "improved".
const Y_R = 65.481 / 255;
const Y_G = 128.553 / 255;
const Y_B = 24.966 / 255;
const CB_R = -37.797 / 255;
const CB_G = -74.203 / 255;
const CB_B = 112.0 / 255;
const CR_R = 112.0 / 255;
const CR_G = -93.786 / 255;
const CR_B = -18.214 / 255;

// The exact inverse of the matrix above (MATLAB ycbcr2rgb), applied after removing the 16/128 offsets.
const R_Y = 255 / 219;
const R_CR = (255 / 224) * 1.402;
const G_CB = (-255 / 224) * 1.772 * (0.114 / 0.587);
const G_CR = (-255 / 224) * 1.402 * (0.299 / 0.587);
const B_CB = (255 / 224) * 1.772;

export interface YCbCrPlanes {
  y: Plane;
  cb: Plane;
  cr: Plane;
}

function plane(width: number, height: number): Plane {
  return { width, height, data: new Float32Array(width * height) };
}

/** Y of BT.601 in [16,235], unrounded (round it with `roundPlane` before scoring). Alpha is ignored. */
export function rgbToY(image: RgbImage): Plane {
  const { width, height, channels, data } = image;
  const y = plane(width, height);
  for (let i = 0, p = 0; i < y.data.length; i++, p += channels) {
    y.data[i] = 16 + Y_R * data[p] + Y_G * data[p + 1] + Y_B * data[p + 2];
  }
  return y;
}

/** Full conversion, as float planes on the [0,255] scale (a 16-bit photo's samples are brought to it, not rounded). */
export function rgbToYcbcr(image: RgbImage<Samples>): YCbCrPlanes {
  const { width, height, channels, data } = image;
  const y = plane(width, height);
  const cb = plane(width, height);
  const cr = plane(width, height);
  // 1 for 8-bit samples, so that their planes stay exactly what they always were.
  const unit = 255 / sampleMax(data);
  for (let i = 0, p = 0; i < y.data.length; i++, p += channels) {
    const r = data[p] * unit;
    const g = data[p + 1] * unit;
    const b = data[p + 2] * unit;
    y.data[i] = 16 + Y_R * r + Y_G * g + Y_B * b;
    cb.data[i] = 128 + CB_R * r + CB_G * g + CB_B * b;
    cr.data[i] = 128 + CR_R * r + CR_G * g + CR_B * b;
  }
  return { y, cb, cr };
}

/**
 * MATLAB's uint8 conversion: round half up, clip to [0,255], NaN to 0 (as MATLAB's uint8(NaN)).
 * For every non-NaN double exactly `v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)`, about 1.5× faster in the per-pixel loops: from 0.5 up,
 * `v + 0.5` cannot round up to an integer it does not reach (the sum lies in the same or the next binade, whose
 * integers it already reaches or passes), so truncating it is Math.round; below 0.5 the answer is 0, which also
 * keeps away from the one double (0.5 − 2⁻⁵⁴) for which `v + 0.5` would round up to 1.
 */
export function toByte(v: number): number {
  return v < 0.5 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/**
 * Converts `count` pixels to interleaved RGB, rounding and clipping each channel: Y from `y[yAt…]`, Cb and
 * Cr from `cb[cAt…]`, `cr[cAt…]`, RGB to `out[outAt…]` (8-bit, or 16-bit for a deep photo). The tiler's sink calls it
 * once per row of a core, straight into the photo's output buffer (no per-core planes or RGB copies).
 */
export function ycbcrToRgbRow(
  y: Float32Array,
  yAt: number,
  cb: Float32Array,
  cr: Float32Array,
  cAt: number,
  count: number,
  out: Samples,
  outAt: number,
): void {
  // toByte written out, on a scale ×257 for 16-bit samples: calling one of two functions made this loop 1.6× slower.
  const max = sampleMax(out);
  const gain = max / 255;
  for (let i = 0, p = outAt; i < count; i++, p += 3) {
    const yy = R_Y * (y[yAt + i] - 16);
    const u = cb[cAt + i] - 128;
    const v = cr[cAt + i] - 128;
    const r = gain * (yy + R_CR * v);
    const g = gain * (yy + G_CB * u + G_CR * v);
    const b = gain * (yy + B_CB * u);
    out[p] = r < 0.5 ? 0 : r >= max ? max : (r + 0.5) | 0;
    out[p + 1] = g < 0.5 ? 0 : g >= max ? max : (g + 0.5) | 0;
    out[p + 2] = b < 0.5 ? 0 : b >= max ? max : (b + 0.5) | 0;
  }
}

/** Converts back to 8-bit RGB, rounding and clipping each channel. */
export function ycbcrToRgb({ y, cb, cr }: YCbCrPlanes): RgbImage {
  const { width, height } = y;
  const out = new Uint8Array(width * height * 3);
  ycbcrToRgbRow(y.data, 0, cb.data, cr.data, 0, y.data.length, out, 0);
  return { width, height, channels: 3, data: out };
}

/** Rounds to integers in [0,255], as the protocol does to Y before scoring (MATLAB uint8 semantics). */
export function roundPlane(p: Plane): Plane {
  const data = new Float32Array(p.data.length);
  for (let i = 0; i < data.length; i++) data[i] = toByte(p.data[i]);
  return { width: p.width, height: p.height, data };
}
