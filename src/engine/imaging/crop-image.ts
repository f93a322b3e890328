import type { RgbImage } from './image.ts';

/** A rectangle of an image, in pixels. */
export interface ImageRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Copies a region out of an interleaved RGB(A) image (the image itself when the region is all of it). */
export function cropImage(image: RgbImage, region: ImageRegion): RgbImage {
  if (region.left === 0 && region.top === 0 && region.width === image.width && region.height === image.height) return image;
  const { channels } = image;
  const rowBytes = region.width * channels;
  const data = new Uint8Array(rowBytes * region.height);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.top + y) * image.width + region.left) * channels;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: region.width, height: region.height, channels, data };
}
