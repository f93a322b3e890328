/** Interleaved 8-bit pixels, row-major, as sharp produces them. */
export interface RgbImage {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  data: Uint8Array;
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

export interface DecodedPhoto {
  image: RgbImage;
  metadata: PhotoMetadata;
  /**
   * How many frames (an animated GIF or WebP) or pages (a multi-page TIFF) the file holds, when more than one: only
   * the first is decoded, and the caller says so (a batch tells the user; see decodeNotices).
   */
  pages?: number;
  /** Bits per channel the file stores, when more than 8 (16-bit PNG or TIFF): the pixels above are 8-bit. */
  bitsPerChannel?: number;
}
