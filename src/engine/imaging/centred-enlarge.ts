import { type RgbImage, type Samples, sampleMax, samplesLike } from './image.ts';
import { regionResizer } from './matlab-resize.ts';

export type EnlargeKernel = 'bilinear' | 'bicubic' | 'lanczos3';

/** Output rows computed at a time, so a whole enlarged plane (the alpha of a 24 MP photo ×2) never exists as floats. */
const BAND_ROWS = 64;

/**
 * Enlarges with MATLAB's kernels, centre-aligned as imresize and the models are: output pixel x samples input
 * (x + 0.5)/s − 0.5. libvips cannot stand in here: it enlarges with an affine interpolator that samples x/s − 0.5,
 * half an output pixel off (a bicubic pane sat shifted against the model's pane and the original, and scored lower
 * for it), and it has no Lanczos interpolator (its lanczos3 enlarges exactly as its bicubic). Either axis may also
 * shrink; imresize widens the kernel there as it always does. RGBA is filtered premultiplied by alpha and divided
 * after, as sharp does, so transparent pixels' colours do not bleed into edges.
 */
export function enlargeCentred<D extends Samples>(image: RgbImage<D>, width: number, height: number, kernel: EnlargeKernel): RgbImage<D> {
  return { width, height, channels: image.channels, data: enlargeInterleaved(image, width, height, kernel) };
}

/** `enlargeCentred` for one plane of samples (a mask, an alpha channel). */
export function enlargePlaneCentred<D extends Samples>(
  plane: { width: number; height: number; data: D },
  width: number,
  height: number,
  kernel: EnlargeKernel,
): D {
  return enlargeInterleaved({ ...plane, channels: 1 }, width, height, kernel);
}

interface Interleaved<D extends Samples> {
  width: number;
  height: number;
  channels: number;
  data: D;
}

function enlargeInterleaved<D extends Samples>(image: Interleaved<D>, width: number, height: number, kernel: EnlargeKernel): D {
  const { channels, data } = image;
  const premultiplied = channels === 4;
  // 255, or 65535 for 16-bit samples: opaque alpha, and the largest value.
  const max = sampleMax(data);
  const planes = Array.from({ length: channels }, (_, ch) => {
    const plane = new Float32Array(image.width * image.height);
    for (let i = 0, p = ch; i < plane.length; i++, p += channels) {
      plane[i] = premultiplied && ch < 3 ? (data[p] * data[p - ch + 3]) / max : data[p];
    }
    return regionResizer({ width: image.width, height: image.height, data: plane }, width, height, kernel);
  });
  const bands = planes.map(() => new Float32Array(width * Math.min(BAND_ROWS, height)));
  const out = samplesLike(data, width * height * channels);
  for (let y = 0; y < height; y += BAND_ROWS) {
    const region = { x: 0, y, width, height: Math.min(BAND_ROWS, height - y) };
    planes.forEach((resize, ch) => {
      resize(region, bands[ch]);
    });
    const count = region.width * region.height;
    let at = y * width * channels;
    for (let i = 0; i < count; i++, at += channels) {
      const alpha = premultiplied ? Math.min(max, Math.max(0, bands[3][i])) : max;
      for (let ch = 0; ch < channels; ch++) {
        const v = premultiplied && ch < 3 ? (alpha > 0 ? (bands[ch][i] * max) / alpha : 0) : bands[ch][i];
        out[at + ch] = v <= 0 ? 0 : v >= max ? max : Math.round(v);
      }
    }
  }
  return out;
}
