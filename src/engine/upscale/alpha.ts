import sharp from 'sharp';
import { enlargePlaneCentred } from '../imaging/centred-enlarge.ts';
import { type RgbImage, rawSamples, type Samples, samplesLike } from '../imaging/image.ts';

/**
 * The alpha channel resized on its own. A model never sees alpha (it was not trained on it, and SR of a mask makes
 * halos); a smooth resampling of the mask keeps edges clean. Enlarged by bicubic on the models' grid (libvips would
 * sample it half an output pixel off the colour), shrunk by libvips' lanczos3.
 */
export async function resizeAlpha<D extends Samples>(image: RgbImage<D>, width: number, height: number): Promise<D> {
  const n = image.width * image.height;
  const alpha = samplesLike(image.data, n);
  for (let i = 0, p = 3; i < n; i++, p += 4) alpha[i] = image.data[p];
  if (width > image.width || height > image.height) {
    return enlargePlaneCentred({ width: image.width, height: image.height, data: alpha }, width, height, 'bicubic');
  }
  const deep = alpha instanceof Uint16Array;
  const resized = await sharp(alpha, { raw: { width: image.width, height: image.height, channels: 1 }, limitInputPixels: false })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .extractChannel(0)
    .raw({ depth: deep ? 'ushort' : 'uchar' })
    .toBuffer();
  return rawSamples(resized, deep) as D;
}

export function attachAlpha<D extends Samples>(rgb: RgbImage<D>, alpha: D): RgbImage<D> {
  const n = rgb.width * rgb.height;
  const data = samplesLike(rgb.data, n * 4);
  for (let i = 0, p = 0, q = 0; i < n; i++, p += 3, q += 4) {
    data[q] = rgb.data[p];
    data[q + 1] = rgb.data[p + 1];
    data[q + 2] = rgb.data[p + 2];
    data[q + 3] = alpha[i];
  }
  return { width: rgb.width, height: rgb.height, channels: 4, data };
}
