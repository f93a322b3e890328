import { extname } from 'node:path';
import { PHOTO_FILE_SUFFIXES } from '../../shared/photo-extensions.ts';

/**
 * Extensions the bundled sharp (libvips 8.18 prebuilt) can decode, and HEIC (libheif, heic.ts). Apart from probe.ts,
 * so that finding a batch's photos does not load sharp. Deliberately absent: .jxl, .bmp, .jp2, .psd (no loaders built
 * in; see unreadablePhotoReason) and .svg (not a photo).
 */
const READABLE_EXTENSIONS = new Set(PHOTO_FILE_SUFFIXES);

export function isImageFileName(name: string): boolean {
  return READABLE_EXTENSIONS.has(extname(name).toLowerCase());
}

/** Camera RAW files: sensor data that a raw developer turns into a photo first (libvips has no raw loader). */
const RAW_EXTENSIONS = new Set([
  '.dng',
  '.cr2',
  '.cr3',
  '.nef',
  '.nrw',
  '.arw',
  '.srf',
  '.sr2',
  '.raf',
  '.orf',
  '.rw2',
  '.pef',
  '.srw',
  '.raw',
  '.3fr',
  '.iiq',
]);

/** Image formats people meet that the bundled libvips has no loader for, by extension: what to call them. */
const OTHER_IMAGE_FORMATS: Record<string, string> = {
  '.bmp': 'BMP',
  '.dib': 'BMP',
  '.jp2': 'JPEG 2000',
  '.j2k': 'JPEG 2000',
  '.jpx': 'JPEG 2000',
  '.jxl': 'JPEG XL',
  '.psd': 'Photoshop',
  '.ico': 'icon',
  '.tga': 'TGA',
  '.pcx': 'PCX',
  '.ppm': 'PPM',
  '.pgm': 'PGM',
  '.pnm': 'PNM',
};

/**
 * Why a photo people commonly have cannot be read, in words that say what to do, or undefined for any other
 * extension (which gets the generic "not a supported image type").
 */
export function unreadablePhotoReason(name: string): string | undefined {
  const ext = extname(name).toLowerCase();
  if (RAW_EXTENSIONS.has(ext)) return 'a camera RAW file: develop it to JPEG, PNG or TIFF first, in your raw developer';
  const other = OTHER_IMAGE_FORMATS[ext];
  if (other) return `a ${other} image, which this build cannot decode: save it as PNG (or TIFF, JPEG) first`;
  return undefined;
}
