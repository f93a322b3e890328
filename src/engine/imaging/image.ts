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
  xmp?: Uint8Array;
  density?: number;
}

export interface DecodedPhoto {
  image: RgbImage;
  metadata: PhotoMetadata;
}
