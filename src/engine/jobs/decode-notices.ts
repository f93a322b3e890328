import { holdsSixteenBits, type OutputFormat } from '../imaging/encode.ts';
import type { DecodedPhoto, Samples } from '../imaging/image.ts';

/**
 * What a batch tells the user about a file it decoded to less than the file holds, so that nothing vanishes unsaid:
 * - several frames or pages (an animated GIF or WebP, a multi-page TIFF): only the first is upscaled, and its output
 *   is a single still image; a HEIC or AVIF with several images: its primary one, the photo that viewers show;
 * - more than 8 bits per channel decoded to 8: a 16-bit PNG or TIFF (from a raw developer) going to a format that holds
 *   8 (JPEG, WebP, AVIF), or samples the engine does not keep (32-bit, CMYK). A 16-bit photo going to PNG or TIFF
 *   stays 16-bit throughout and gets no notice.
 * Empty for a plain 8-bit file of one image.
 */
export function decodeNotices(input: string, photo: DecodedPhoto<Samples>, output: OutputFormat): string[] {
  const notices: string[] = [];
  const { pages, bitsPerChannel } = photo;
  if (pages !== undefined && pages > 1) {
    const format = photo.metadata.format;
    if (format === 'gif' || format === 'webp') notices.push(`${input} is animated (${pages} frames): only its first frame is upscaled`);
    else if (format === 'heic' || format === 'avif')
      notices.push(`${input} holds ${pages} images: only its main image, the one viewers show, is upscaled`);
    else {
      const unit = format === 'tiff' ? 'page' : 'image';
      notices.push(`${input} has ${pages} ${unit}s: only its first ${unit} is upscaled`);
    }
  }
  if (bitsPerChannel !== undefined && bitsPerChannel > 8 && !(photo.image.data instanceof Uint16Array)) {
    notices.push(
      bitsPerChannel === 16 && !holdsSixteenBits(output)
        ? `${input} has 16 bits per channel, and ${output.toUpperCase()} holds 8: it is upscaled and written in 8 (PNG or TIFF output keeps 16)`
        : `${input} has ${bitsPerChannel} bits per channel: it is upscaled in 8, and its output has 8`,
    );
  }
  return notices;
}
