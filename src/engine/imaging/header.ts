import type { Metadata } from 'sharp';
import sharp from 'sharp';
import { fromSharpError } from './sharp-errors.ts';

/** Reads only the header (dimensions, format, embedded profiles) of an image held in memory or on disk. */
export async function readHeader(input: Buffer | string, label: string): Promise<Metadata> {
  try {
    // failOn 'none' here: the header read must not fail on pixel warnings; pixels are checked at decode.
    return await sharp(input, { failOn: 'none', limitInputPixels: false }).metadata();
  } catch (error) {
    throw fromSharpError(error, label);
  }
}

/** The user-facing format name: sharp calls AVIF "heif", which would confuse people. */
export function formatName(meta: Metadata): string {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : 'heic';
  return meta.format;
}
