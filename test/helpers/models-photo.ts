import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { DecodedPhoto, RgbImage } from '../../src/engine/imaging/image.ts';

/**
 * A photo-like test image: smooth colour gradients, a few hard edges (a disc, a bar), fine texture and
 * noise, so that interpolation and models have real structure to work on. Deterministic.
 */
export function photoLikeImage(width: number, height: number, channels: 3 | 4 = 3, seed = 7): RgbImage {
  const data = new Uint8Array(width * height * channels);
  let s = seed >>> 0;
  const noise = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const cx = width * 0.6;
  const cy = height * 0.4;
  const radius = Math.min(width, height) * 0.25;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
      const inBar = x > width * 0.15 && x < width * 0.25;
      const texture = 20 * Math.sin(x * 0.7) * Math.cos(y * 0.45);
      let r = 40 + (160 * x) / width + texture;
      let g = 60 + (120 * y) / height - texture / 2;
      let b = 180 - (100 * (x + y)) / (width + height);
      if (inDisc) [r, g, b] = [220 - texture, 90, 60 + texture];
      if (inBar) [r, g, b] = [25, 30 + texture / 2, 35];
      const p = (y * width + x) * channels;
      data[p] = Math.max(0, Math.min(255, Math.round(r + 6 * noise())));
      data[p + 1] = Math.max(0, Math.min(255, Math.round(g + 6 * noise())));
      data[p + 2] = Math.max(0, Math.min(255, Math.round(b + 6 * noise())));
      if (channels === 4) data[p + 3] = inDisc ? 255 : Math.round((255 * x) / Math.max(1, width - 1));
    }
  }
  return { width, height, channels, data };
}

/** Writes the photo-like image as PNG into `dir` and decodes it back with the real decoder (sharp). */
export async function decodedPhotoLike(dir: string, width: number, height: number, channels: 3 | 4 = 3): Promise<DecodedPhoto> {
  const image = photoLikeImage(width, height, channels);
  const file = path.join(dir, `photo-${width}x${height}x${channels}.png`);
  await sharp(image.data, { raw: { width, height, channels } }).png().toFile(file);
  return decodePhoto(file);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** PSNR over all channels of two same-size 8-bit images. */
export function psnr(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) throw new Error('size mismatch');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  const mse = sum / a.data.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}
