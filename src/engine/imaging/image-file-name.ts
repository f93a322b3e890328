import { extname } from 'node:path';

/**
 * Extensions the bundled sharp (libvips 8.18 prebuilt) can decode. Apart from probe.ts, so that finding a
 * batch's photos does not load sharp. Deliberately absent:
 * .heic/.heif (the prebuilt has no HEVC decoder, only AV1 for AVIF), .jxl, .bmp, .jp2 (no loaders built in)
 * and .svg (not a photo).
 */
const READABLE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif']);

export function isImageFileName(name: string): boolean {
  return READABLE_EXTENSIONS.has(extname(name).toLowerCase());
}
