import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Sharp } from 'sharp';
import sharp from 'sharp';
import type { RgbImage } from '../../src/engine/imaging/image.ts';

import { seededRandom } from '../../src/engine/seeded-random.ts';

// Re-exported: the imaging helpers take their seeded fixtures' randomness from here.
export { seededRandom };

export interface PhotoOptions {
  width: number;
  height: number;
  seed?: number;
  /** Add a smoothly varying alpha channel (RGBA). */
  alpha?: boolean;
  /** Per-pixel noise amplitude in 8-bit levels (default 6). */
  noise?: number;
}

/**
 * Photo-like pixels: smooth colour gradients (sky/skin-like areas), hard-edged shapes at seeded places
 * (edges and texture for SR to work on) and seeded sensor noise. Not flat colour, so metrics and codecs
 * behave as they do on real photos.
 */
export function makePhoto(opts: PhotoOptions): RgbImage {
  const { width, height, seed = 1, alpha = false, noise = 6 } = opts;
  const random = seededRandom(seed);
  const channels = alpha ? 4 : 3;
  const shapes = Array.from({ length: 6 }, () => ({
    cx: random() * width,
    cy: random() * height,
    r: (0.08 + random() * 0.25) * Math.min(width, height),
    square: random() < 0.5,
    colour: [random() * 255, random() * 255, random() * 255],
  }));
  const phase = random() * Math.PI * 2;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / Math.max(1, width - 1);
      const v = y / Math.max(1, height - 1);
      let rgb = [
        60 + 150 * u + 20 * Math.sin(6 * v + phase),
        80 + 120 * v + 25 * Math.sin(5 * u - phase),
        200 - 120 * u * v + 15 * Math.cos(7 * (u + v)),
      ];
      for (const s of shapes) {
        const dx = Math.abs(x - s.cx);
        const dy = Math.abs(y - s.cy);
        const inside = s.square ? Math.max(dx, dy) < s.r : dx * dx + dy * dy < s.r * s.r;
        if (inside) rgb = s.colour.map((c, i) => 0.7 * c + 0.3 * rgb[i]);
      }
      const at = (y * width + x) * channels;
      for (let c = 0; c < 3; c++) data[at + c] = clampByte(rgb[c] + (random() - 0.5) * 2 * noise);
      if (alpha) data[at + 3] = clampByte(255 * (0.25 + 0.75 * u));
    }
  }
  return { width, height, channels, data };
}

function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

export function rawSharp(image: RgbImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

/** Writes a photo-like image; the format follows the extension (png, jpg/jpeg, webp, avif, tif/tiff, gif). */
export async function writePhoto(path: string, opts: PhotoOptions & { quality?: number }): Promise<RgbImage> {
  const image = makePhoto(opts);
  const bytes = await encodeAs(rawSharp(image), path, opts.quality);
  writeFileSync(path, bytes);
  return image;
}

export async function encodeAs(pipeline: Sharp, path: string, quality = 90): Promise<Buffer> {
  switch (extname(path).toLowerCase()) {
    case '.png':
      return pipeline.png().toBuffer();
    case '.jpg':
    case '.jpeg':
      return pipeline.jpeg({ quality }).toBuffer();
    case '.webp':
      return pipeline.webp({ quality }).toBuffer();
    case '.avif':
      return pipeline.avif({ quality, effort: 0 }).toBuffer();
    case '.tif':
    case '.tiff':
      return pipeline.tiff({ compression: 'lzw' }).toBuffer();
    case '.gif':
      return pipeline.gif().toBuffer();
    default:
      throw new Error(`writePhoto: unsupported extension in ${path}`);
  }
}
