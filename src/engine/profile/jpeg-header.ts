import { type FileHandle, open } from 'node:fs/promises';

/**
 * What a JPEG's header says about how it was compressed: its quantisation tables (DQT) and its frame (SOF: size,
 * components and their sampling factors). Only the marker segments before the first scan are read, segment by
 * segment with positioned reads, so a 12 MP photo costs a few kilobytes of I/O (EXIF and ICC payloads are skipped
 * over, not read).
 */
export interface JpegHeader {
  /** Quantisation tables by their slot (0–3), each 64 steps in natural (row-major) order. */
  tables: Map<number, Uint16Array>;
  /** The frame's components in order (Y, Cb, Cr for a colour JPEG; one for grey). */
  components: { id: number; h: number; v: number; table: number }[];
  width: number;
  height: number;
  progressive: boolean;
}

/** JPEG's zig-zag scan: ZIGZAG[k] is the natural (row-major) index of the k-th coefficient in a DQT segment. */
export const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57,
  50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

const SOI = 0xd8;
const SOS = 0xda;
const EOI = 0xd9;
const DQT = 0xdb;
/** Markers without a length field: TEM and the restart markers. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7]);

/** Start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Thrown for a file that starts like a JPEG but whose header is broken; the profiler skips it with this reason. */
export class JpegHeaderError extends Error {}

function parseTables(segment: Uint8Array, tables: Map<number, Uint16Array>): void {
  let at = 0;
  while (at < segment.length) {
    const precision = segment[at] >> 4;
    const slot = segment[at] & 0x0f;
    const size = precision === 0 ? 64 : 128;
    if (slot > 3 || precision > 1 || at + 1 + size > segment.length) throw new JpegHeaderError('a quantisation table (DQT) is malformed');
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++) {
      const p = at + 1 + (precision === 0 ? k : 2 * k);
      table[ZIGZAG[k]] = precision === 0 ? segment[p] : (segment[p] << 8) | segment[p + 1];
    }
    tables.set(slot, table);
    at += 1 + size;
  }
}

function parseFrame(segment: Uint8Array): Pick<JpegHeader, 'components' | 'width' | 'height'> {
  if (segment.length < 6) throw new JpegHeaderError('the frame header (SOF) is too short');
  const height = (segment[1] << 8) | segment[2];
  const width = (segment[3] << 8) | segment[4];
  const count = segment[5];
  if (segment.length < 6 + 3 * count) throw new JpegHeaderError('the frame header (SOF) is cut short');
  const components = [];
  for (let c = 0; c < count; c++) {
    const p = 6 + 3 * c;
    components.push({ id: segment[p], h: segment[p + 1] >> 4, v: segment[p + 1] & 0x0f, table: segment[p + 2] });
  }
  return { components, width, height };
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead < length) throw new JpegHeaderError('the file ends inside its header');
  return buffer;
}

/** Whether the file starts with a JPEG's SOI marker (FF D8). */
export async function isJpegFile(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0xff && head[1] === SOI;
  } finally {
    await file.close();
  }
}

/** Reads a JPEG's header up to its first scan. Throws JpegHeaderError when the markers do not make sense. */
export async function readJpegHeader(path: string): Promise<JpegHeader> {
  const file = await open(path, 'r');
  try {
    const start = await readAt(file, 0, 2);
    if (start[0] !== 0xff || start[1] !== SOI) throw new JpegHeaderError('not a JPEG (no start-of-image marker)');
    const tables = new Map<number, Uint16Array>();
    let frame: (Pick<JpegHeader, 'components' | 'width' | 'height'> & { progressive: boolean }) | undefined;
    let at = 2;
    for (;;) {
      const prefix = await readAt(file, at, 2);
      if (prefix[0] !== 0xff) throw new JpegHeaderError(`expected a marker at byte ${at}`);
      const marker = prefix[1];
      // Any number of 0xFF fill bytes may precede a marker.
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      if (STANDALONE.has(marker)) {
        at += 2;
        continue;
      }
      if (marker === SOS || marker === EOI) break;
      const lengthBytes = await readAt(file, at + 2, 2);
      const length = (lengthBytes[0] << 8) | lengthBytes[1];
      if (length < 2) throw new JpegHeaderError(`a marker segment at byte ${at} has an impossible length`);
      if (marker === DQT) parseTables(await readAt(file, at + 4, length - 2), tables);
      else if (isStartOfFrame(marker))
        frame = { ...parseFrame(await readAt(file, at + 4, length - 2)), progressive: marker === 0xc2 || marker === 0xc6 };
      at += 2 + length;
    }
    if (!frame) throw new JpegHeaderError('the header has no frame (SOF) before the image data');
    if (tables.size === 0) throw new JpegHeaderError('the header has no quantisation tables (DQT)');
    return { tables, ...frame };
  } finally {
    await file.close();
  }
}

export type Subsampling = '4:4:4' | '4:2:2' | '4:2:0' | '4:4:0' | '4:1:1' | 'grey' | 'other';

/** The chroma subsampling a frame's sampling factors stand for (luma's factors over the chroma components'). */
export function chromaSubsampling(components: JpegHeader['components']): Subsampling {
  if (components.length === 1) return 'grey';
  if (components.length !== 3) return 'other';
  const [y, cb, cr] = components;
  if (cb.h !== cr.h || cb.v !== cr.v || y.h % cb.h !== 0 || y.v % cb.v !== 0) return 'other';
  const across = y.h / cb.h;
  const down = y.v / cb.v;
  if (across === 1 && down === 1) return '4:4:4';
  if (across === 2 && down === 1) return '4:2:2';
  if (across === 2 && down === 2) return '4:2:0';
  if (across === 1 && down === 2) return '4:4:0';
  if (across === 4 && down === 1) return '4:1:1';
  return 'other';
}
