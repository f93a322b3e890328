import { SrError } from '../errors.ts';
import type { OutputFormat } from './output-format.ts';

/**
 * The largest side each output format can hold, as this build's encoders enforce it (measured with sharp 0.35):
 * WebP's bitstream stores a side in 14 bits (16383); sharp refuses AVIF/HEIF above 16384 a side; libjpeg-turbo
 * refuses JPEG above 65500 a side (JPEG_MAX_DIMENSION), below the 65535 its header could hold. PNG and TIFF hold far
 * more than any pixel limit allows, so they have no entry.
 */
export const FORMAT_MAX_SIDE: Partial<Record<OutputFormat, number>> = { webp: 16383, avif: 16384, jpeg: 65500 };

const FORMAT_NAMES: Record<OutputFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF', tiff: 'TIFF' };

/**
 * Refuses an output size its format cannot hold, with TOO_LARGE naming the way on. A batch calls it as soon as a
 * file's output size is known (after decoding, before the model runs), so the file fails in a moment, not after a
 * long upscale whose result the encoder would then reject.
 */
export function assertFitsFormat(width: number, height: number, format: OutputFormat, label: string): void {
  const max = FORMAT_MAX_SIDE[format];
  if (max === undefined || (width <= max && height <= max)) return;
  throw new SrError(
    'TOO_LARGE',
    `${label}: the output would be ${width}×${height} pixels, more than ${FORMAT_NAMES[format]} allows (${max} a side); choose --format png or tiff`,
    `PNG and TIFF hold any size: pass --format png or --format tiff, or ask for a smaller size (--scale, --width, --height).`,
    label,
  );
}
