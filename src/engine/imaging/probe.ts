import type { DecodeOptions } from './decode.ts';
import { readCameraModel } from './exif.ts';
import { formatName, readHeader } from './header.ts';
import { readIccDescription } from './icc.ts';
import { assertWithinPixelLimit, resolveMaxPixels } from './limits.ts';
import { checkSourceFile } from './source-file.ts';

export interface PhotoInfo {
  /** After EXIF orientation, i.e. the size decodePhoto will return. */
  width: number;
  height: number;
  format: string;
  /** Channels as stored (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK). */
  channels: number;
  /** As the header says; libvips reports every GIF as having alpha, decodePhoto drops it when fully opaque. */
  hasAlpha: boolean;
  orientation?: number;
  hasIcc: boolean;
  iccName?: string;
  cameraModel?: string;
  /** File size. */
  bytes: number;
}

/**
 * Reads only the header: cheap enough to run over a whole folder before a batch.
 * Throws the same SrErrors as decodePhoto for missing, unreadable, empty, non-image and too-large files;
 * damage in the pixel data (a truncated JPEG) is only found by decoding.
 */
export async function probePhoto(path: string, opts: DecodeOptions = {}): Promise<PhotoInfo> {
  const maxPixels = resolveMaxPixels(opts.maxPixels);
  const bytes = await checkSourceFile(path);
  const header = await readHeader(path, path);
  assertWithinPixelLimit(header.width, header.pageHeight ?? header.height, maxPixels, path);
  const swapped = (header.orientation ?? 1) >= 5;
  const height = header.pageHeight ?? header.height;
  const info: PhotoInfo = {
    width: swapped ? height : header.width,
    height: swapped ? header.width : height,
    format: formatName(header),
    channels: header.channels,
    hasAlpha: header.hasAlpha,
    hasIcc: header.icc !== undefined && header.icc.length > 0,
    bytes,
  };
  if (header.orientation !== undefined) info.orientation = header.orientation;
  const iccName = header.icc ? readIccDescription(header.icc) : undefined;
  if (iccName) info.iccName = iccName;
  const cameraModel = header.exif ? readCameraModel(header.exif) : undefined;
  if (cameraModel) info.cameraModel = cameraModel;
  return info;
}
