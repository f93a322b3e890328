/**
 * What each output encoding costs on upscaled photos: encoder seconds and bytes per output megapixel, and for the lossy
 * formats the PSNR (RGB) against the lossless output, so "does not visibly add loss" has a number. Same encoder as a
 * batch (imaging/encode.ts), metadata included, one sharp thread as in the pipeline.
 */

import sharp from 'sharp';
import { decodeBuffer } from '../src/engine/imaging/decode.ts';
import { DEFAULT_PNG_COMPRESSION, DEFAULT_QUALITY, type EncodeOptions, encodePhotoBytes } from '../src/engine/imaging/encode.ts';
import type { DecodedPhoto } from '../src/engine/imaging/image.ts';

export interface EncoderRow {
  label: string;
  secondsPerMp: number;
  megabytesPerMp: number;
  /** Null for lossless encodings. */
  psnr: number | null;
}

export const ENCODER_OPTIONS: { label: string; options: EncodeOptions | 'png-before' }[] = [
  { label: 'png level 6, no filters (before)', options: 'png-before' },
  { label: `png level ${DEFAULT_PNG_COMPRESSION} (default)`, options: { format: 'png' } },
  ...[0, 1, 2, 4, 6, 9].map((level) => ({ label: `png level ${level}`, options: { format: 'png' as const, pngCompression: level } })),
  { label: `jpeg ${DEFAULT_QUALITY.jpeg} (default)`, options: { format: 'jpeg' } },
  ...[85, 90, 95].map((quality) => ({ label: `jpeg ${quality}`, options: { format: 'jpeg' as const, quality } })),
  { label: `webp ${DEFAULT_QUALITY.webp} (default)`, options: { format: 'webp' } },
  { label: 'webp 80', options: { format: 'webp', quality: 80 } },
  { label: `avif ${DEFAULT_QUALITY.avif} (default)`, options: { format: 'avif' } },
  { label: 'avif 50', options: { format: 'avif', quality: 50 } },
  { label: 'tiff (lzw)', options: { format: 'tiff' } },
];

/** What SR Studio wrote before the encoding options: zlib level 6, no row filters (metadata left out: a few KB). */
async function pngBefore(photo: DecodedPhoto): Promise<Uint8Array> {
  const { width, height, channels, data } = photo.image;
  return sharp(data, { raw: { width, height, channels }, limitInputPixels: false }).png({ compressionLevel: 6 }).toBuffer();
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/**
 * Each option over every photo, three times (the machine is shared: the fastest of the three is the encoder's own cost);
 * `photos` are lossless upscaled outputs (decoded, with their metadata).
 */
export async function measureEncoders(photos: DecodedPhoto[]): Promise<EncoderRow[]> {
  const megapixels = photos.reduce((n, p) => n + (p.image.width * p.image.height) / 1e6, 0);
  const rows: EncoderRow[] = [];
  for (const { label, options } of ENCODER_OPTIONS) {
    const lossy = options !== 'png-before' && (options.format === 'jpeg' || options.format === 'webp' || options.format === 'avif');
    let best = Number.POSITIVE_INFINITY;
    let bytes = 0;
    let errorSum = 0;
    for (let round = 0; round < 3; round++) {
      let seconds = 0;
      bytes = 0;
      errorSum = 0;
      for (const photo of photos) {
        const started = performance.now();
        const encoded =
          options === 'png-before' ? await pngBefore(photo) : await encodePhotoBytes(photo.image, photo.metadata, 'bench photo', options);
        seconds += (performance.now() - started) / 1000;
        bytes += encoded.length;
        if (lossy && round === 0) {
          const decoded = await decodeBuffer(encoded, 'bench photo');
          errorSum += psnr(photo.image.data, decoded.image.data) * (photo.image.width * photo.image.height);
        }
      }
      best = Math.min(best, seconds);
      if (lossy) break; // lossy rows once: their PSNR pass doubles the time, and their cost is small
    }
    rows.push({
      label,
      secondsPerMp: best / megapixels,
      megabytesPerMp: bytes / 1e6 / megapixels,
      psnr: lossy ? errorSum / (megapixels * 1e6) : null,
    });
  }
  return rows;
}
