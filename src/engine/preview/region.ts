import { SrError } from '../errors.ts';
import type { RgbImage } from '../imaging/image.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Copies a rectangle out of an interleaved image (the rectangle must lie inside it). */
export function cropImage(image: RgbImage, rect: Rect): RgbImage {
  const { channels } = image;
  const data = new Uint8Array(rect.width * rect.height * channels);
  const rowBytes = rect.width * channels;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * channels;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: rect.width, height: rect.height, channels, data };
}

/** Refuses a region that does not fit the image, saying how big the image is. */
export function assertRegionInside(region: Rect, width: number, height: number, label: string): void {
  if (region.x + region.width > width || region.y + region.height > height) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The region ${region.width}×${region.height} at (${region.x}, ${region.y}) does not fit inside ${label} (${width}×${height})`,
      'Move or shrink the region so that it lies inside the image.',
      label,
    );
  }
}

/** The region grown by `pad` pixels on every side, clipped to the image: the context a resampler or model needs. */
export function padRegion(region: Rect, pad: number, width: number, height: number): Rect {
  const x = Math.max(0, region.x - pad);
  const y = Math.max(0, region.y - pad);
  const right = Math.min(width, region.x + region.width + pad);
  const bottom = Math.min(height, region.y + region.height + pad);
  return { x, y, width: right - x, height: bottom - y };
}
