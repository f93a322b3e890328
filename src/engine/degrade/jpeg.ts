import sharp, { type JpegOptions } from 'sharp';
import { imageToPlanes, planesToImage, type RgbPlanes } from './planes.ts';
import type { ChromaSubsampling } from './recipe.ts';

/**
 * A real JPEG round trip through sharp's libjpeg: encode at `quality` with the standard (IJG) quantisation tables and
 * the chosen chroma subsampling, then decode. libjpeg is deterministic, so the same input gives the same bytes.
 */
export interface JpegSpec {
  quality: number;
  chroma: ChromaSubsampling;
}

function encoderOptions(spec: JpegSpec): JpegOptions {
  // mozjpeg's trellis and table tweaks stay off: the tables are then the IJG ones that `datasets profile` reads back.
  return { quality: spec.quality, chromaSubsampling: spec.chroma, mozjpeg: false, optimiseCoding: false };
}

async function roundTripBytes(data: Uint8Array, width: number, height: number, spec: JpegSpec): Promise<Uint8Array> {
  const encoded = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg(encoderOptions(spec))
    .toBuffer();
  const decoded = await sharp(encoded).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
}

/** One image through JPEG and back (values are rounded and clipped to bytes first, as a camera stores them). */
export async function jpegRoundTrip(image: RgbPlanes, spec: JpegSpec): Promise<RgbPlanes> {
  const bytes = planesToImage(image);
  const data = await roundTripBytes(bytes.data, image.width, image.height, spec);
  return imageToPlanes({ width: image.width, height: image.height, channels: 3, data });
}

/** JPEG's largest block: a 16×16 MCU with 4:2:0 chroma. */
const MCU = 16;

/**
 * Many small images through JPEG in one encode: each sits in its own MCU-aligned slot of a one-row mosaic, with its
 * edge pixels repeated to fill the slot. JPEG codes every block on its own, so an image whose sides are multiples of
 * 16 decodes as it would alone, except for its outermost pixels, where the decoder's chroma upsampling reads the
 * neighbouring slot (training tiles are MCU-sized and keep a margin there). Other sizes can differ within their last
 * partial MCU, because libjpeg fills a lone image's partial MCUs its own way. One encode instead of one per crop saves
 * sharp's ~1 ms per call, which would otherwise cost a training batch more than the rest of its degradation.
 */
export async function jpegRoundTripMany(images: readonly RgbPlanes[], spec: JpegSpec): Promise<RgbPlanes[]> {
  if (images.length === 0) return [];
  if (images.length === 1) return [await jpegRoundTrip(images[0], spec)];
  const slots = images.map((image) => Math.ceil(image.width / MCU) * MCU);
  const width = slots.reduce((a, b) => a + b, 0);
  const height = Math.ceil(Math.max(...images.map((i) => i.height)) / MCU) * MCU;
  const mosaic = new Uint8Array(width * height * 3);
  let left = 0;
  images.forEach((image, n) => {
    const bytes = planesToImage(image).data;
    for (let y = 0; y < height; y++) {
      const sy = Math.min(y, image.height - 1);
      for (let x = 0; x < slots[n]; x++) {
        const sx = Math.min(x, image.width - 1);
        const s = (sy * image.width + sx) * 3;
        const o = (y * width + left + x) * 3;
        mosaic[o] = bytes[s];
        mosaic[o + 1] = bytes[s + 1];
        mosaic[o + 2] = bytes[s + 2];
      }
    }
    left += slots[n];
  });
  const decoded = await roundTripBytes(mosaic, width, height, spec);
  left = 0;
  return images.map((image, n) => {
    const data = new Uint8Array(image.width * image.height * 3);
    for (let y = 0; y < image.height; y++) {
      const start = (y * width + left) * 3;
      data.set(decoded.subarray(start, start + image.width * 3), y * image.width * 3);
    }
    left += slots[n];
    return imageToPlanes({ width: image.width, height: image.height, channels: 3, data });
  });
}
