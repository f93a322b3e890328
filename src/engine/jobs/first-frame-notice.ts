import type { DecodedPhoto } from '../imaging/image.ts';

/**
 * What a batch tells the user about a file of several frames or pages (an animated GIF or WebP, a multi-page TIFF):
 * only the first is upscaled, and its output is a single still image, so the rest would otherwise vanish unsaid.
 * Undefined for a file of one image.
 */
export function firstFrameNotice(input: string, photo: DecodedPhoto): string | undefined {
  const { pages } = photo;
  if (pages === undefined || pages < 2) return undefined;
  const format = photo.metadata.format;
  if (format === 'gif' || format === 'webp') return `${input} is animated (${pages} frames): only its first frame is upscaled`;
  const unit = format === 'tiff' ? 'page' : 'image';
  return `${input} has ${pages} ${unit}s: only its first ${unit} is upscaled`;
}
