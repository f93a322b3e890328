import { crc32, deflateSync } from 'node:zlib';

/**
 * Inserts ancillary chunks into a PNG right after IHDR. We use this to attach an ICC profile and EXIF
 * to raw pixels *without* colour-converting them: sharp can only attach a profile by transforming into it,
 * but it keeps (untouched) whatever profile its input file already carries.
 */
export function insertPngChunks(png: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  // 8-byte signature, then IHDR: 4 length + 4 type + 13 data + 4 CRC.
  const afterIhdr = 8 + 25;
  const total = chunks.reduce((sum, c) => sum + c.length, png.length);
  const out = new Uint8Array(total);
  out.set(png.subarray(0, afterIhdr), 0);
  let at = afterIhdr;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  out.set(png.subarray(afterIhdr), at);
  return out;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** iCCP: profile name, NUL, compression method 0, zlib-compressed profile. */
export function iccpChunk(icc: Uint8Array, name = 'icc'): Uint8Array {
  const compressed = deflateSync(icc);
  const data = new Uint8Array(name.length + 2 + compressed.length);
  for (let i = 0; i < name.length; i++) data[i] = name.charCodeAt(i);
  data.set(compressed, name.length + 2);
  return pngChunk('iCCP', data);
}

/** eXIf: the bare TIFF-structured EXIF block (no "Exif\0\0" prefix). */
export function exifChunk(tiffPayload: Uint8Array): Uint8Array {
  return pngChunk('eXIf', tiffPayload);
}
