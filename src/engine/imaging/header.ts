import { open } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import sharp from 'sharp';
import { SrError } from '../errors.ts';
import { oneDecodeAtATime } from './decode-warnings.ts';
import { SIGNATURE_BYTES, signatureFormat } from './image-signature.ts';
import { fromSharpError } from './sharp-errors.ts';

/**
 * Reads only the header (dimensions, format, embedded profiles) of an image held in memory or on disk. In its own turn
 * among decodes (decode-warnings.ts): reading a quirky JPEG's header queues libjpeg's harmless warning, and a damaged
 * JPEG's decode finishing beside it in any thread could take that text instead of its own damage, and pass as fine.
 */
export async function readHeader(input: Buffer | string, label: string): Promise<Metadata> {
  try {
    // failOn 'none' here: the header read must not fail on pixel warnings; pixels are checked at decode.
    return await oneDecodeAtATime(() => sharp(input, { failOn: 'none', limitInputPixels: false }).metadata());
  } catch (error) {
    const refused = fromSharpError(error, label);
    if (refused.code !== 'NOT_AN_IMAGE') throw refused;
    // Only on this failure path: a file that starts like an image but cannot be read is damaged, not something else.
    const format = signatureFormat(await leadingBytes(input));
    if (format === undefined) throw refused;
    throw new SrError(
      'CORRUPT_IMAGE',
      `${label} starts like a ${format} file but cannot be read: it is damaged or incomplete`,
      'Re-export or re-download the file; if it opens elsewhere, re-save it as PNG or JPEG.',
      label,
      { cause: error },
    );
  }
}

async function leadingBytes(input: Buffer | string): Promise<Uint8Array> {
  if (typeof input !== 'string') return input.subarray(0, SIGNATURE_BYTES);
  try {
    const handle = await open(input, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(new Uint8Array(SIGNATURE_BYTES), 0, SIGNATURE_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return new Uint8Array(0); // unreadable now: keep libvips' own verdict
  }
}

/** The user-facing format name: sharp calls AVIF "heif", which would confuse people. */
export function formatName(meta: Metadata): string {
  if (meta.format === 'heif') return meta.compression === 'av1' ? 'avif' : 'heic';
  return meta.format;
}

/**
 * Formats (as formatName names them) whose photos carry a lossy codec's artefacts: JPEG, and HEIC and AVIF, which phones
 * save. WebP may be lossless, and is not counted among them.
 */
export const LOSSY_PHOTO_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'heic', 'avif']);
