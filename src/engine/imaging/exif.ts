/**
 * Just enough EXIF (TIFF IFD0) parsing for what we need: reading the camera model and rewriting the
 * orientation tag in place. Hand-written because sharp exposes EXIF only as a raw block, and a full
 * EXIF library would be a new dependency for two tags. Malformed blocks are left alone, never thrown on.
 */
const EXIF_PREFIX = 'Exif\0\0';
const TAG_MODEL = 0x0110;
const TAG_ORIENTATION = 0x0112;
const TAG_X_RESOLUTION = 0x011a;
const TAG_Y_RESOLUTION = 0x011b;
const TAG_RESOLUTION_UNIT = 0x0128;
const TAG_EXIF_IFD = 0x8769;
const TAG_PIXEL_X_DIMENSION = 0xa002;
const TAG_PIXEL_Y_DIMENSION = 0xa003;
const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_RATIONAL = 5;
const TYPE_IFD = 13;
const UNIT_INCH = 2;

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the 4-byte value/offset field, from the start of `bytes`. */
  valueField: number;
}

interface TiffView {
  view: DataView;
  /** Start of the TIFF header inside the block (after an optional "Exif\0\0"). */
  base: number;
  little: boolean;
}

function tiffView(bytes: Uint8Array): TiffView | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasPrefix = bytes.length >= 6 && String.fromCharCode(...bytes.subarray(0, 6)) === EXIF_PREFIX;
  const base = hasPrefix ? 6 : 0;
  if (bytes.length < base + 8) return undefined;
  const order = view.getUint16(base);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  return { view, base, little: order === 0x4949 };
}

function ifd0Entries(t: TiffView): IfdEntry[] {
  return ifdEntries(t, t.view.getUint32(t.base + 4, t.little));
}

/** The entries of the IFD at `offset` (from the TIFF header, as EXIF offsets count). */
function ifdEntries(t: TiffView, offset: number): IfdEntry[] {
  const { view, base, little } = t;
  const ifdStart = base + offset;
  if (ifdStart + 2 > view.byteLength) return [];
  const count = view.getUint16(ifdStart, little);
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = ifdStart + 2 + i * 12;
    if (at + 12 > view.byteLength) break;
    entries.push({
      tag: view.getUint16(at, little),
      type: view.getUint16(at + 2, little),
      count: view.getUint32(at + 4, little),
      valueField: at + 8,
    });
  }
  return entries;
}

/** The entries of the Exif sub-IFD (where PixelXDimension and PixelYDimension live); none when IFD0 points to none. */
function exifIfdEntries(t: TiffView): IfdEntry[] {
  const pointer = ifd0Entries(t).find((e) => e.tag === TAG_EXIF_IFD && (e.type === TYPE_LONG || e.type === TYPE_IFD) && e.count === 1);
  return pointer ? ifdEntries(t, t.view.getUint32(pointer.valueField, t.little)) : [];
}

/** The IFD0 "Model" string (e.g. "iPhone 15 Pro"), if present. */
export function readCameraModel(exif: Uint8Array): string | undefined {
  const t = tiffView(exif);
  if (!t) return undefined;
  const entry = ifd0Entries(t).find((e) => e.tag === TAG_MODEL && e.type === TYPE_ASCII);
  if (!entry || entry.count === 0) return undefined;
  const start = entry.count <= 4 ? entry.valueField : t.base + t.view.getUint32(entry.valueField, t.little);
  if (start + entry.count > exif.length) return undefined;
  const text = new TextDecoder('latin1').decode(exif.subarray(start, start + entry.count));
  const trimmed = text.replace(/\0+$/, '').trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/** The IFD0 orientation (1..8), if present. */
export function readOrientation(exif: Uint8Array): number | undefined {
  const t = tiffView(exif);
  if (!t) return undefined;
  const entry = ifd0Entries(t).find((e) => e.tag === TAG_ORIENTATION && e.type === TYPE_SHORT);
  return entry ? t.view.getUint16(entry.valueField, t.little) : undefined;
}

/**
 * A copy of the block with IFD0 orientation set to `value`. The pixels we write are already upright,
 * so a stale "rotate 90°" tag would make viewers rotate them a second time.
 */
export function withOrientation(exif: Uint8Array, value: number): Uint8Array {
  const copy = new Uint8Array(exif);
  const t = tiffView(copy);
  if (!t) return copy;
  const entry = ifd0Entries(t).find((e) => e.tag === TAG_ORIENTATION && e.type === TYPE_SHORT);
  if (entry) t.view.setUint16(entry.valueField, value, t.little);
  return copy;
}

/**
 * A copy of the block whose IFD0 resolution says `dpi` pixels per inch, as libvips writes the output's density into
 * the EXIF it saves (readers take the density from there before JFIF). In place: only blocks that carry the three
 * resolution tags, as the EXIF standard requires of IFD0, are changed; `undefined` when there are none to change.
 */
export function withResolution(exif: Uint8Array, dpi: number): Uint8Array | undefined {
  const copy = new Uint8Array(exif);
  const t = tiffView(copy);
  if (!t) return undefined;
  const entries = ifd0Entries(t);
  const x = entries.find((e) => e.tag === TAG_X_RESOLUTION && e.type === TYPE_RATIONAL && e.count === 1);
  const y = entries.find((e) => e.tag === TAG_Y_RESOLUTION && e.type === TYPE_RATIONAL && e.count === 1);
  const unit = entries.find((e) => e.tag === TAG_RESOLUTION_UNIT && e.type === TYPE_SHORT);
  if (!x || !y || !unit) return undefined;
  const [numerator, denominator] = Number.isInteger(dpi) ? [dpi, 1] : [Math.round(dpi * 1000), 1000];
  for (const entry of [x, y]) {
    const at = t.base + t.view.getUint32(entry.valueField, t.little);
    if (at + 8 > copy.length) return undefined;
    t.view.setUint32(at, numerator, t.little);
    t.view.setUint32(at + 4, denominator, t.little);
  }
  t.view.setUint16(unit.valueField, UNIT_INCH, t.little);
  return copy;
}

/** The TIFF part of the block, without the JPEG-APP1 "Exif\0\0" prefix (what PNG's eXIf chunk stores). */
export function exifTiffPayload(exif: Uint8Array): Uint8Array {
  const t = tiffView(exif);
  return t ? exif.subarray(t.base) : exif;
}

/**
 * A copy of the block whose Exif IFD PixelXDimension and PixelYDimension say `width`×`height`, the size of the image it
 * is written with (libvips updates them so in the EXIF it saves; ours, written into JPEG and PNG, must match). In place:
 * tags the block does not have are not added; a SHORT too small for the new size becomes a LONG, which the same
 * 4-byte field holds (EXIF allows either type).
 */
export function withDimensions(exif: Uint8Array, width: number, height: number): Uint8Array {
  const copy = new Uint8Array(exif);
  const t = tiffView(copy);
  if (!t) return copy;
  const entries = exifIfdEntries(t);
  for (const [tag, value] of [
    [TAG_PIXEL_X_DIMENSION, width],
    [TAG_PIXEL_Y_DIMENSION, height],
  ] as const) {
    const entry = entries.find((e) => e.tag === tag && (e.type === TYPE_SHORT || e.type === TYPE_LONG) && e.count === 1);
    if (!entry) continue;
    if (entry.type === TYPE_SHORT && value <= 0xffff) {
      t.view.setUint16(entry.valueField, value, t.little);
    } else {
      t.view.setUint16(entry.valueField - 6, TYPE_LONG, t.little);
      t.view.setUint32(entry.valueField, value, t.little);
    }
  }
  return copy;
}

/** The Exif IFD PixelXDimension and PixelYDimension, where the block has them. */
export function readDimensions(exif: Uint8Array): { width?: number; height?: number } {
  const t = tiffView(exif);
  if (!t) return {};
  const entries = exifIfdEntries(t);
  const read = (tag: number): number | undefined => {
    const entry = entries.find((e) => e.tag === tag && e.count === 1);
    if (entry?.type === TYPE_SHORT) return t.view.getUint16(entry.valueField, t.little);
    if (entry?.type === TYPE_LONG) return t.view.getUint32(entry.valueField, t.little);
    return undefined;
  };
  return { width: read(TAG_PIXEL_X_DIMENSION), height: read(TAG_PIXEL_Y_DIMENSION) };
}
