import type { DecodedPhoto } from '../imaging/image.ts';

/**
 * What a batch tells the user about a file it decoded to less than the file holds, so that nothing vanishes unsaid:
 * - several frames or pages (an animated GIF or WebP, a multi-page TIFF): only the first is upscaled, and its output
 *   is a single still image;
 * - more than 8 bits per channel (a 16-bit PNG or TIFF from a raw developer): the engine works in 8, so the output
 *   has 8.
 * Empty for a plain 8-bit file of one image.
 */
export function decodeNotices(input: string, photo: DecodedPhoto): string[] {
  const notices: string[] = [];
  const { pages, bitsPerChannel } = photo;
  if (pages !== undefined && pages > 1) {
    const format = photo.metadata.format;
    if (format === 'gif' || format === 'webp') notices.push(`${input} is animated (${pages} frames): only its first frame is upscaled`);
    else {
      const unit = format === 'tiff' ? 'page' : 'image';
      notices.push(`${input} has ${pages} ${unit}s: only its first ${unit} is upscaled`);
    }
  }
  if (bitsPerChannel !== undefined && bitsPerChannel > 8) {
    notices.push(`${input} has ${bitsPerChannel} bits per channel: it is upscaled in 8, and its output has 8`);
  }
  return notices;
}
