import { exifChunk, iccpChunk, insertPngChunks } from './png-chunks.ts';

/**
 * ICC profile and EXIF written straight into an encoded JPEG or PNG, as their formats store them. sharp can attach a
 * profile only by colour-converting into it (encode.ts), so the other formats go through an uncompressed PNG carrier
 * that holds them; for a 24 MP photo ×2 that carrier is 288 MB, copied once more to insert the chunks, then decoded
 * again, which took the batch's peak memory from 0.9 to 2.3 GB (bench:batch). JPEG and PNG are encoded from the pixels
 * alone and get their metadata here instead: same pixels, same profile bytes, the same EXIF
 * (orientation already 1, pixel dimensions the output's).
 */
export interface EmbeddedMetadata {
  icc?: Uint8Array;
  /** The EXIF block's TIFF part (no "Exif\0\0" prefix). */
  exifTiff?: Uint8Array;
  /**
   * JPEG only: a density (dpi) the EXIF block could not carry (it has no resolution tags), written as JFIF instead.
   * Replacing the encoder's own Exif would otherwise lose it.
   */
  jfifDensity?: number;
}

const EXIF_HEADER = Uint8Array.from([0x45, 0x78, 0x69, 0x66, 0, 0]); // "Exif\0\0"
const ICC_HEADER = new TextEncoder().encode('ICC_PROFILE\0');
/** A JPEG segment holds at most 65533 bytes of data (its 2-byte length counts itself). */
const SEGMENT_DATA = 65533;
const ICC_CHUNK = SEGMENT_DATA - ICC_HEADER.length - 2;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function segment(marker: number, parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 2);
  return concat([Uint8Array.of(0xff, marker, length >> 8, length & 0xff), ...parts]);
}

function startsWith(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * The JPEG with an APP1 Exif segment and APP2 ICC_PROFILE segments (the profile split as ICC.1 says) right after SOI,
 * in place of any the encoder wrote itself (libvips writes a small Exif of its own for the resolution). An EXIF block too
 * large for one segment is left out, as libvips leaves it out.
 */
export function embedInJpeg(jpeg: Uint8Array, metadata: EmbeddedMetadata): Uint8Array {
  const added: Uint8Array[] = [];
  const { exifTiff, icc, jfifDensity } = metadata;
  if (jfifDensity !== undefined) {
    const dpi = Math.max(1, Math.min(65535, Math.round(jfifDensity)));
    // "JFIF\0", version 1.01, units 1 (dots per inch), X and Y density, no thumbnail.
    added.push(segment(0xe0, [Uint8Array.of(0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, dpi >> 8, dpi & 0xff, dpi >> 8, dpi & 0xff, 0, 0)]));
  }
  if (exifTiff && exifTiff.length + EXIF_HEADER.length <= SEGMENT_DATA) added.push(segment(0xe1, [EXIF_HEADER, exifTiff]));
  if (icc && icc.length > 0) {
    const count = Math.ceil(icc.length / ICC_CHUNK);
    for (let i = 0; i < count; i++) {
      added.push(segment(0xe2, [ICC_HEADER, Uint8Array.of(i + 1, count), icc.subarray(i * ICC_CHUNK, (i + 1) * ICC_CHUNK)]));
    }
  }
  // The encoder's own segments before the image data, less what ours replace.
  const kept: Uint8Array[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const marker = jpeg[at + 1];
    const end = at + 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
    const replaced =
      (marker === 0xe1 && exifTiff && startsWith(jpeg, at + 4, EXIF_HEADER)) ||
      (marker === 0xe2 && icc && startsWith(jpeg, at + 4, ICC_HEADER));
    if (!replaced) kept.push(jpeg.subarray(at, end));
    at = end;
  }
  return concat([jpeg.subarray(0, 2), ...added, ...kept, jpeg.subarray(at)]);
}

/** The PNG with iCCP and eXIf chunks after IHDR, in place of any eXIf the encoder wrote itself. */
export function embedInPng(png: Uint8Array, metadata: EmbeddedMetadata): Uint8Array {
  const chunks: Uint8Array[] = [];
  if (metadata.icc && metadata.icc.length > 0) chunks.push(iccpChunk(metadata.icc));
  if (metadata.exifTiff && metadata.exifTiff.length > 0) chunks.push(exifChunk(metadata.exifTiff));
  if (chunks.length === 0) return png;
  return insertPngChunks(metadata.exifTiff ? withoutChunk(png, 'eXIf') : png, chunks);
}

function withoutChunk(png: Uint8Array, type: string): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let at = 8;
  let dropped = false;
  while (at + 12 <= png.length) {
    const end = at + 12 + view.getUint32(at);
    const name = String.fromCharCode(png[at + 4], png[at + 5], png[at + 6], png[at + 7]);
    if (name === type) dropped = true;
    else parts.push(png.subarray(at, end));
    at = end;
  }
  return dropped ? concat(parts) : png;
}
