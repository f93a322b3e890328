import { type RgbImage, type Samples, samplesLike } from './image.ts';

/** The RGB part of an image: the same object when it has no alpha, else a 3-channel copy. */
export function dropAlpha<D extends Samples>(image: RgbImage<D>): RgbImage<D> {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const data = samplesLike(image.data, n * 3);
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 4, q += 3) {
    data[q] = image.data[p];
    data[q + 1] = image.data[p + 1];
    data[q + 2] = image.data[p + 2];
  }
  return { width: image.width, height: image.height, channels: 3, data };
}
