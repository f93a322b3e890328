import { extname } from 'node:path';
import type { Sharp } from 'sharp';
import sharp from 'sharp';
import { OUTPUT_DEFAULTS } from '../../shared/contract/common.ts';
import { SrError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { type EmbeddedMetadata, embedInJpeg, embedInPng } from './embed-metadata.ts';
import { exifTiffPayload, readOrientation, withDimensions, withOrientation, withResolution } from './exif.ts';
import { assertFitsFormat } from './format-limits.ts';
import { isGreyProfile } from './icc.ts';
import type { PhotoMetadata, RgbImage, Samples } from './image.ts';
import type { OutputFormat } from './output-format.ts';
import { withXmpDimensions, withXmpOrientation, xmpText } from './xmp.ts';

export type { OutputFormat } from './output-format.ts';

export interface EncodeOptions {
  format: OutputFormat;
  /** 1..100 for jpeg/webp/avif; ignored by the lossless png/tiff. */
  quality?: number;
  /** PNG compression effort, zlib's level 0..9 (0: stored, fastest, largest); ignored by other formats. */
  pngCompression?: number;
}

/** Photo-grade defaults (the shared contract's OUTPUT_DEFAULTS): an upscaled photo should not lose its new detail to compression. */
export const DEFAULT_QUALITY: Record<'jpeg' | 'webp' | 'avif', number> = OUTPUT_DEFAULTS.quality;

/**
 * zlib level 3 with adaptive row filters. Measured by bench:batch on upscaled photos: about 40% smaller files than the
 * former level 6 without filters, in about the same time; levels above 4 cost 2-12× the time for 1-6% fewer bytes.
 */
export const DEFAULT_PNG_COMPRESSION: number = OUTPUT_DEFAULTS.pngCompression;

const EXTENSION_FORMATS: Record<string, OutputFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.jpe': 'jpeg',
  '.jfif': 'jpeg',
  '.webp': 'webp',
  '.avif': 'avif',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

export function formatFromExtension(path: string): OutputFormat | undefined {
  return EXTENSION_FORMATS[extname(path).toLowerCase()];
}

/**
 * Encodes and writes atomically (see writeFileAtomic), carrying over the source's ICC profile, EXIF
 * (orientation reset to 1, since the pixels are already upright; pixel dimensions the output's) and XMP (the same, see
 * outputXmp). Limits of the formats, not ours: TIFF output gets no EXIF (libvips does not write it), JPEG has no
 * alpha (flattened, see below), WebP and AVIF have no grey (a grey profile's pixels are converted to sRGB, see
 * withProfileAndExif), and only PNG and TIFF hold 16 bits (a 16-bit image is rounded to 8 for the others).
 */
export async function encodePhoto(
  image: RgbImage<Samples>,
  metadata: PhotoMetadata,
  outPath: string,
  opts: EncodeOptions,
): Promise<{ bytes: number }> {
  const bytes = await encodePhotoBytes(image, metadata, outPath, opts);
  await writeFileAtomic(outPath, bytes);
  return { bytes: bytes.length };
}

/**
 * What `encodePhoto` writes, as bytes: a batch's pipeline encodes one photo while it writes another. `label` names the
 * photo in errors (its output path).
 */
export function encodePhotoBytes(
  image: RgbImage<Samples>,
  metadata: PhotoMetadata,
  label: string,
  opts: EncodeOptions,
): Promise<Uint8Array> {
  return encode(image, metadata, opts, label);
}

/** Encodes without metadata, e.g. for previews. */
export async function encodeToBuffer(image: RgbImage<Samples>, opts: EncodeOptions): Promise<Uint8Array> {
  return encode(image, { format: opts.format }, opts, 'image buffer');
}

/** Whether a format stores 16 bits per channel. */
export function holdsSixteenBits(format: OutputFormat): boolean {
  return format === 'png' || format === 'tiff';
}

async function encode(deepOrNot: RgbImage<Samples>, metadata: PhotoMetadata, opts: EncodeOptions, label: string): Promise<Uint8Array> {
  checkImage(deepOrNot, label);
  const image = holdsSixteenBits(opts.format) ? deepOrNot : eightBit(deepOrNot);
  // Callers that know the size earlier check it there (batch-file.ts); this keeps any other caller from INTERNAL.
  assertFitsFormat(image.width, image.height, opts.format, label);
  const quality = resolveQuality(opts);
  const pngCompression = resolvePngCompression(opts);
  try {
    // JPEG and PNG get their ICC profile and EXIF written into the encoded bytes (embed-metadata.ts); the other formats
    // through the PNG carrier below.
    const embedded = embeddedMetadata(metadata, image);
    const direct = opts.format === 'jpeg' || opts.format === 'png';
    const pixels = metadata.grey ? greyPixels(image) : image;
    let pipeline = direct || !embedded ? rawInput(pixels) : await withProfileAndExif(pixels, metadata, opts.format);
    const xmp = outputXmp(metadata, image);
    if (xmp) pipeline = pipeline.withXmp(xmp);
    if (metadata.density && metadata.density > 0) pipeline = pipeline.withDensity(metadata.density);
    pipeline = applyFormat(pipeline, pixels, opts.format, quality, pngCompression);
    const out = await pipeline.toBuffer();
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (!direct || !embedded) return bytes;
    return opts.format === 'jpeg' ? embedInJpeg(bytes, embedded) : embedInPng(bytes, embedded);
  } catch (error) {
    throw new SrError(
      'INTERNAL',
      `Could not encode ${label} as ${opts.format}: ${(error as Error).message}`,
      'Try another output format.',
      label,
      {
        cause: error,
      },
    );
  }
}

/** Interleaved pixels as sharp takes them raw: RGB(A), or grey (with alpha) for a greyscale source; 8- or 16-bit. */
interface RawPixels {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Samples;
}

/** 16-bit samples rounded to 8 bits (65535 → 255), for a format that holds no more; 8-bit images as they are. */
function eightBit(image: RgbImage<Samples>): RgbImage<Samples> {
  const { data } = image;
  if (!(data instanceof Uint16Array)) return image;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.round(data[i] / 257);
  return { ...image, data: out };
}

/**
 * A greyscale source's output as grey again. Its channels come out equal (the chroma of a grey photo is flat, and
 * stays flat through the upscaler); BT.601 luma, rounded, keeps that value, and is the fair grey should one differ.
 */
function greyPixels(image: RgbImage<Samples>): RawPixels {
  const { width, height, data } = image;
  const alpha = image.channels === 4;
  const stride = image.channels;
  const size = width * height * (alpha ? 2 : 1);
  const out = data instanceof Uint16Array ? new Uint16Array(size) : new Uint8Array(size);
  for (let i = 0, o = 0; i < data.length; i += stride) {
    out[o++] = Math.round(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]);
    if (alpha) out[o++] = data[i + 3];
  }
  return { width, height, channels: alpha ? 2 : 1, data: out };
}

function rawInput(image: RawPixels): Sharp {
  const pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  });
  return keepSpace(pipeline, image);
}

/**
 * sharp writes 8-bit sRGB unless told otherwise, even from one raw channel or from 16-bit samples (which it reads as
 * libvips' rgb16 or grey16, and would shift down to 8 bits).
 */
function keepSpace(pipeline: Sharp, image: RawPixels): Sharp {
  const deep = image.data instanceof Uint16Array;
  if (image.channels <= 2) return pipeline.toColourspace(deep ? 'grey16' : 'b-w');
  return deep ? pipeline.toColourspace('rgb16') : pipeline;
}

/**
 * The ICC profile, and the EXIF block with its orientation reset to 1 (the pixels are upright), its pixel dimensions set
 * to the output's and its resolution set to the photo's density (as libvips updates the EXIF it writes); undefined when
 * there is neither.
 */
function embeddedMetadata(metadata: PhotoMetadata, size: { width: number; height: number }): EmbeddedMetadata | undefined {
  const icc = metadata.icc && metadata.icc.length > 0 ? metadata.icc : undefined;
  if (!metadata.exif || metadata.exif.length === 0) return icc ? { icc } : undefined;
  const upright = withDimensions(withOrientation(metadata.exif, 1), size.width, size.height);
  const density = metadata.density && metadata.density > 0 ? metadata.density : undefined;
  const resolved = density === undefined ? upright : withResolution(upright, density);
  return { icc, exifTiff: exifTiffPayload(resolved ?? upright), jfifDensity: resolved ? undefined : density };
}

/**
 * The source's XMP, with its pixel dimensions set to the output's and its tiff:Orientation reset to 1 when the decoder
 * turned the pixels upright by the EXIF orientation (2-8), as the EXIF's are. libvips turns them by the EXIF tag only,
 * so an XMP orientation without one still describes the pixels as they are and is kept.
 */
function outputXmp(metadata: PhotoMetadata, size: { width: number; height: number }): string | undefined {
  const text = xmpText(metadata.xmp);
  if (!text) return undefined;
  const sized = withXmpDimensions(text, size.width, size.height);
  const turned = metadata.exif ? readOrientation(metadata.exif) : undefined;
  return turned !== undefined && turned >= 2 && turned <= 8 ? withXmpOrientation(sized, 1) : sized;
}

/**
 * sharp can attach an ICC profile only by colour-converting into it, but our pixels are already in that
 * profile's space. So (for WebP, AVIF and TIFF) the profile and EXIF go into a fast uncompressed PNG first, and sharp
 * is told to keep what its input carries, which it does without touching the pixels (but for a grey profile in WebP
 * or AVIF, see below).
 */
async function withProfileAndExif(image: RawPixels, metadata: PhotoMetadata, format: OutputFormat): Promise<Sharp> {
  const embedded = embeddedMetadata(metadata, image);
  if (!embedded) return rawInput(image);
  const carrier = await rawInput(image).png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
  const withChunks = embedInPng(carrier, embedded);
  let pipeline = sharp(withChunks, { limitInputPixels: false, failOn: 'error' });
  if (greyToSrgb(image, metadata, format)) {
    // WebP and AVIF store colour only, and a grey profile cannot describe colour pixels. Written as they are and
    // unlabelled, the grey values would be read as sRGB, which shifts the tones of any grey profile whose curve is not
    // sRGB's (gamma 2.2, dot gain, linear). So libvips converts them through the carrier's grey profile (lcms) and
    // labels the result with its sRGB profile: the photo looks as it did. A profile lcms cannot use is skipped by
    // libvips, the pixels then pass unconverted, labelled sRGB, as they would be read unlabelled.
    pipeline = pipeline.withIccProfile('srgb');
  } else {
    // As in rawInput: sharp converts a grey input to sRGB unless told to keep it grey (and then drops the grey profile,
    // which no longer fits), and 16 bits to 8 unless told to keep them.
    pipeline = keepSpace(pipeline, image);
    if (metadata.icc) pipeline = pipeline.keepIccProfile();
  }
  if (metadata.exif) pipeline = pipeline.keepExif();
  return pipeline;
}

/** A grey photo with a grey profile, written in a format that stores colour only (see withProfileAndExif). */
function greyToSrgb(image: RawPixels, metadata: PhotoMetadata, format: OutputFormat): boolean {
  const colourOnly = format === 'webp' || format === 'avif';
  return colourOnly && image.channels <= 2 && metadata.icc !== undefined && isGreyProfile(metadata.icc);
}

function applyFormat(pipeline: Sharp, image: RawPixels, format: OutputFormat, quality: number | undefined, pngCompression: number): Sharp {
  switch (format) {
    case 'png':
      // Adaptive filtering (a predictor chosen per row) roughly halves an upscaled photo's PNG: its pixels are smooth.
      return pipeline.png({ compressionLevel: pngCompression, adaptiveFiltering: pngCompression > 0 });
    case 'jpeg': {
      // JPEG has no alpha: composite over white (sharp flattens premultiplied, so edges don't darken),
      // the usual choice for photos whose transparent areas are "paper".
      const opaque = image.channels === 4 || image.channels === 2 ? pipeline.flatten({ background: '#ffffff' }) : pipeline;
      const q = quality ?? DEFAULT_QUALITY.jpeg;
      // 4:4:4 at high quality keeps the colour edges the upscaler produced; 4:2:0 would halve them again.
      // No `mozjpeg: true`: its trellis search made a 24 MP encode ~10× slower here for ~15% fewer bytes.
      // No optimised Huffman tables either: they need a second pass over the whole image's coefficients, held in
      // memory; for a 96 MP output that was 1.1 GB more and 5.5 s instead of 0.9 s, for 1.8% fewer bytes (bench:batch).
      return opaque.jpeg({ quality: q, chromaSubsampling: q >= 90 ? '4:4:4' : '4:2:0', optimiseCoding: false });
    }
    case 'webp':
      return pipeline.webp({ quality: quality ?? DEFAULT_QUALITY.webp });
    case 'avif':
      // effort 2, not sharp's 4: on a 3 MP image here effort 4 took ~5× longer for ~28% fewer bytes,
      // and upscaled outputs are many megapixels.
      return pipeline.avif({ quality: quality ?? DEFAULT_QUALITY.avif, effort: 2 });
    case 'tiff':
      return pipeline.tiff({ compression: 'lzw', predictor: 'horizontal' });
    default:
      throw new SrError('BAD_ARGUMENT', `Unknown output format "${String(format)}"`, 'Use png, jpeg, webp, avif or tiff.');
  }
}

function resolveQuality(opts: EncodeOptions): number | undefined {
  const { quality } = opts;
  if (quality === undefined) return undefined;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new SrError('BAD_ARGUMENT', `Quality must be a whole number from 1 to 100, got ${quality}`, 'Pass e.g. quality 90.');
  }
  return quality;
}

function resolvePngCompression(opts: EncodeOptions): number {
  const level = opts.pngCompression ?? DEFAULT_PNG_COMPRESSION;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new SrError(
      'BAD_ARGUMENT',
      `PNG compression must be a whole number from 0 to 9, got ${level}`,
      'Pass e.g. 3 (9 is smallest and slowest).',
    );
  }
  return level;
}

function checkImage(image: RgbImage<Samples>, label: string): void {
  const expected = image.width * image.height * image.channels;
  if (!(image.width > 0 && image.height > 0) || (image.channels !== 3 && image.channels !== 4) || image.data.length !== expected) {
    throw new SrError(
      'INTERNAL',
      `Cannot encode ${label}: ${image.width}×${image.height}×${image.channels} needs ${expected} bytes, got ${image.data.length}`,
      undefined,
      label,
    );
  }
}
