import type { Metadata } from 'sharp';
import sharp from 'sharp';
import { dropAlpha } from './alpha-channel.ts';
import { isDataDamage, isTextlessWarning, oneDecodeAtATime, untilWarningText } from './decode-warnings.ts';
import { formatName, readHeader } from './header.ts';
import { decodeHeic, isHevcHeif } from './heic.ts';
import { heifImpliedProfile } from './heif-colour.ts';
import { type DecodedPhoto, type PhotoMetadata, type RgbImage, rawSamples, type Samples } from './image.ts';
import { assertHoldable, assertWithinPixelLimit, resolveMaxPixels } from './limits.ts';
import { damagedDataError, fromSharpError, messageOf } from './sharp-errors.ts';
import { emptyFileError, readSourceFile } from './source-file.ts';

export interface DecodeOptions {
  /** Refuse images whose header claims more pixels than this. Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
  /**
   * Apply the EXIF orientation (default true). `datasets profile` keeps the pixels as stored, so they stay on the
   * JPEG's block grid.
   */
  autoOrient?: boolean;
  /**
   * Keep 16 bits per channel where the file stores them (a 16-bit PNG or TIFF, not CMYK): the upscale of a photo whose
   * output format holds 16 bits. Otherwise every photo decodes to 8.
   */
  keepDepth?: boolean;
}

/** Decodes a photo file to 8-bit RGB(A) (16-bit with `keepDepth`); see decodeBuffer for what is normalised. */
export async function decodePhoto(path: string, opts: DecodeOptions & { keepDepth: boolean }): Promise<DecodedPhoto<Samples>>;
export async function decodePhoto(path: string, opts?: DecodeOptions): Promise<DecodedPhoto>;
export async function decodePhoto(path: string, opts: DecodeOptions = {}): Promise<DecodedPhoto<Samples>> {
  const maxPixels = resolveMaxPixels(opts.maxPixels);
  const bytes = await readSourceFile(path);
  return decodeBytes(bytes, path, maxPixels, opts.autoOrient ?? true, opts.keepDepth ?? false);
}

/**
 * Decodes encoded image bytes to 8-bit interleaved RGB, or RGBA when the image has alpha.
 * - EXIF orientation is applied to the pixels (metadata keeps the raw EXIF; the encoder resets the tag to 1).
 * - Grey becomes 3 equal channels (metadata.grey: the encoder writes it grey again); 16-bit becomes 8-bit (`bitsPerChannel`
 *   says so), unless `decodePhoto` is asked to keep the depth.
 * - Pixels stay in the file's own colour space and its ICC profile is kept, so a Display-P3 photo is
 *   written back as P3 instead of being clipped to sRGB. CMYK is the exception: it is converted to sRGB
 *   (through its embedded profile) and the CMYK profile is dropped, since it no longer describes the pixels.
 * - Animated/multi-page images: the first frame only; `pages` says how many the file holds.
 * - HEIC (HEVC in HEIF, as iPhones save photos): decoded by libheif, turned upright by the file's own rotation (heic.ts).
 */
export async function decodeBuffer(bytes: Uint8Array, label: string, opts: Omit<DecodeOptions, 'keepDepth'> = {}): Promise<DecodedPhoto> {
  const maxPixels = resolveMaxPixels(opts.maxPixels);
  return decodeBytes(
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    label,
    maxPixels,
    opts.autoOrient ?? true,
    false,
  ) as Promise<DecodedPhoto>;
}

async function decodeBytes(
  bytes: Buffer,
  label: string,
  maxPixels: number,
  autoOrient: boolean,
  keepDepth: boolean,
): Promise<DecodedPhoto<Samples>> {
  if (bytes.length === 0) throw emptyFileError(label);
  // In a turn of its own, as every header read is (header.ts).
  const header = await readHeader(bytes, label);
  // Checked on the header's claim before decoding anything (pageHeight: a GIF's frames are stacked).
  assertWithinPixelLimit(header.width, header.pageHeight ?? header.height, maxPixels, label);
  // With the pixel limit raised (--max-pixels), a photo can be larger than one array of its pixels can hold.
  assertHoldable({ width: header.width, height: header.pageHeight ?? header.height }, header.hasAlpha ? 4 : 3, `${label}, decoded,`);

  const photo = isHevcHeif(header)
    ? await heicPhoto(bytes, label, header)
    : await libvipsPhoto(bytes, label, header, maxPixels, autoOrient, keepDepth);
  if (header.pages !== undefined && header.pages > 1) photo.pages = header.pages;
  return photo;
}

/** A HEIC photo: libvips read its header and metadata, libheif decodes its pixels (heic.ts), already turned upright. */
async function heicPhoto(bytes: Buffer, label: string, header: Metadata): Promise<DecodedPhoto> {
  const photo: DecodedPhoto = { image: await decodeHeic(bytes, label), metadata: photoMetadata(header, false) };
  // An iPhone's Display P3 is declared by an nclx box, not a profile: the output carries the profile instead.
  const implied = photo.metadata.icc ? undefined : await heifImpliedProfile(bytes);
  if (implied) photo.metadata.icc = implied;
  // libheif hands over 8 bits: a 10-bit HEIC says so (decode-notices.ts), whatever its output format.
  if (header.bitsPerSample !== undefined && header.bitsPerSample > 8) photo.bitsPerChannel = header.bitsPerSample;
  return photo;
}

/** Any other photo, decoded by libvips. */
async function libvipsPhoto(
  bytes: Buffer,
  label: string,
  header: Metadata,
  maxPixels: number,
  autoOrient: boolean,
  keepDepth: boolean,
): Promise<DecodedPhoto<Samples>> {
  const isCmyk = header.space === 'cmyk';
  // 16 bits stay 16 only for an upscale that can write them; CMYK is converted to sRGB through its profile, in 8.
  const deep = keepDepth && !isCmyk && (header.depth === 'ushort' || header.depth === 'short');
  const decode = (failOn: 'warning' | 'error') => {
    let pipeline = sharp(bytes, { failOn, limitInputPixels: maxPixels, autoOrient, pages: 1 });
    // keepIccProfile makes sharp skip its convert-to-sRGB step and hand us the pixels as stored.
    if (!isCmyk) pipeline = pipeline.keepIccProfile();
    // rgb16 is libvips' 16-bit RGB (grey16 becomes three equal channels, as b-w does in srgb).
    pipeline = pipeline.toColourspace(deep ? 'rgb16' : 'srgb');
    if (!header.hasAlpha) pipeline = pipeline.removeAlpha();
    return pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  };

  // One decode at a time, so that the warnings libvips reports are this file's own (decode-warnings.ts).
  const decoded = await oneDecodeAtATime(async () => {
    try {
      // Strict first: libjpeg only *warns* about scan data cut short by a marker or overwritten, and then paints the
      // rest grey, so failOn 'error' would hand back a half-grey photo as if it were fine. A clean file (nearly all of
      // them) is decoded once, here.
      return await untilWarningText(() => decode('warning'));
    } catch (strictError) {
      const message = messageOf(strictError);
      // A warning whose text never came back cannot be told harmless: refused rather than risk a half-grey photo.
      if (isDataDamage(message) || isTextlessWarning(message)) throw damagedDataError(strictError, label);
      // A harmless warning (many camera and editor files carry some): decode again, failing only on real errors.
      try {
        return await decode('error');
      } catch (error) {
        throw fromSharpError(error, label);
      }
    }
  });
  const { data, info } = decoded;
  const channels = info.channels === 4 ? 4 : 3;
  if (info.channels !== channels) {
    throw fromSharpError(new Error(`decoded to ${info.channels} channels, expected 3 or 4`), label);
  }
  let image: RgbImage<Samples>;
  if (deep) image = { width: info.width, height: info.height, channels, data: rawSamples(data, true) };
  else {
    const eight: RgbImage = {
      width: info.width,
      height: info.height,
      channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
    // libvips gives every GIF an alpha band, even one without a transparent colour; drop it when it is all opaque.
    image = header.format === 'gif' && channels === 4 && isFullyOpaque(eight) ? dropAlpha(eight) : eight;
  }
  const photo: DecodedPhoto<Samples> = { image, metadata: photoMetadata(header, isCmyk) };
  const bits = BITS_PER_CHANNEL[header.depth ?? 'uchar'];
  if (bits !== undefined && bits > 8) photo.bitsPerChannel = bits;
  return photo;
}

/** libvips' sample formats by size; the decode above makes 8-bit pixels of them, or 16-bit ones with `keepDepth`. */
const BITS_PER_CHANNEL: Partial<Record<string, number>> = {
  uchar: 8,
  char: 8,
  ushort: 16,
  short: 16,
  uint: 32,
  int: 32,
  float: 32,
  double: 64,
};

function isFullyOpaque(image: RgbImage): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return false;
  return true;
}

function photoMetadata(header: Metadata, isCmyk: boolean): PhotoMetadata {
  const metadata: PhotoMetadata = { format: formatName(header) };
  if (header.icc && !isCmyk) metadata.icc = new Uint8Array(header.icc);
  if (header.exif) metadata.exif = new Uint8Array(header.exif);
  if (header.xmp) metadata.xmp = new Uint8Array(header.xmp);
  if (header.density) metadata.density = header.density;
  if (header.space === 'b-w' || header.space === 'grey16') metadata.grey = true;
  return metadata;
}
