/**
 * A photo's samples: 8 bits each, or 16 for a deep photo (a 16-bit PNG or TIFF) on its way to an output that holds 16.
 * Everything but the upscale keeps to 8 (training, scoring, previews, profiles).
 */
export type Samples = Uint8Array | Uint16Array;

/** Interleaved pixels, row-major, as sharp produces them: 8-bit, unless `D` says 16. */
export interface RgbImage<D extends Samples = Uint8Array> {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  data: D;
}

/** The largest value a sample of this depth holds: 255, or 65535 for 16 bits. */
export function sampleMax(data: Samples): number {
  return data instanceof Uint16Array ? 65535 : 255;
}

/** Bytes per sample: 1, or 2 for 16 bits. */
export function sampleBytes(data: Samples): 1 | 2 {
  return data instanceof Uint16Array ? 2 : 1;
}

/**
 * sharp's raw output as samples: its bytes as they are for 8 bits, or read as 16-bit samples (native byte order), copied
 * only where they do not start on an even address.
 */
export function rawSamples(bytes: Buffer, deep: boolean): Samples {
  if (!deep) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return new Uint16Array(new Uint8Array(bytes).buffer);
}

/** New zeroed samples of the same depth as `like`. */
export function samplesLike<D extends Samples>(like: D, length: number): D {
  return (like instanceof Uint16Array ? new Uint16Array(length) : new Uint8Array(length)) as D;
}

/** One float plane (a Y, Cb or Cr channel, or a model's input/output), row-major. */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** What the encoder must carry over from the source photo. Orientation is already applied to the pixels. */
export interface PhotoMetadata {
  format: string;
  icc?: Uint8Array;
  /** Raw EXIF block; its orientation tag is reset to 1 at encode time. */
  exif?: Uint8Array;
  /** Raw XMP packet; its tiff:Orientation is reset to 1 at encode time when the EXIF orientation turned the pixels. */
  xmp?: Uint8Array;
  density?: number;
  /**
   * The source was greyscale (a scan, a black-and-white photo): it is upscaled as RGB with equal channels and written
   * grey again (one channel, two with alpha), so the file stays what it was and its grey ICC profile still fits it.
   */
  grey?: boolean;
}

export interface DecodedPhoto<D extends Samples = Uint8Array> {
  image: RgbImage<D>;
  metadata: PhotoMetadata;
  /**
   * How many frames (an animated GIF or WebP) or pages (a multi-page TIFF) the file holds, when more than one: only
   * the first is decoded, and the caller says so (a batch tells the user; see decodeNotices).
   */
  pages?: number;
  /**
   * Bits per channel the file stores, when more than 8 (16-bit PNG or TIFF): the pixels above are 8-bit, or 16-bit when
   * the decode kept the depth (`keepDepth`, 16-bit files only).
   */
  bitsPerChannel?: number;
}
