import { constants } from 'node:buffer';
import { SrError } from '../errors.ts';

/** Same default as sharp/libvips (0x3FFF × 0x3FFF): big enough for any camera, small enough to refuse decompression bombs. */
export const DEFAULT_MAX_PIXELS = 268_402_689;

/** Resolves the caller's limit; 0 or a negative number would silently disable the guard, so those are rejected. */
export function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (!Number.isFinite(maxPixels) || maxPixels < 1) {
    throw new SrError('BAD_ARGUMENT', `The pixel limit must be a positive number, got ${maxPixels}`, 'Pass a limit such as 268402689.');
  }
  return Math.floor(maxPixels);
}

/**
 * Refuses an image whose header claims more pixels than the limit. Called on header dimensions only,
 * before any pixel is decoded, so a 50000×50000 PNG costs a few bytes of reading, not 7 GiB of memory.
 */
export function assertWithinPixelLimit(width: number, height: number, maxPixels: number, label: string): void {
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new SrError(
      'TOO_LARGE',
      `${label} is ${width}×${height} (${formatMegapixels(pixels)}), above the limit of ${formatMegapixels(maxPixels)} (${maxPixels} pixels)`,
      // The limit is a setting only of `upscale`; elsewhere (training, profiling, the preview) the default holds.
      `If you trust this file, raise the limit to at least its size (srstudio upscale --max-pixels ${pixels}); otherwise downscale it first.`,
      label,
    );
  }
}

/** A pixel count as people read it, e.g. "12.0 MP". */
export function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}

/**
 * The most elements one typed array holds in this Node (2³² on 64-bit Node 20: `buffer.constants.MAX_LENGTH`). An
 * image is one array of its pixels' channels, so at 3 channels about 1,430 MP is the largest image SR Studio can hold.
 */
const MAX_ARRAY_LENGTH = constants.MAX_LENGTH;

/** Refuses an image that one array cannot hold (V8 would throw "Invalid typed array length" midway), before any of it is made. */
export function assertHoldable(size: { width: number; height: number }, channels: number, what = 'The output'): void {
  const pixels = size.width * size.height;
  if (pixels * channels <= MAX_ARRAY_LENGTH) return;
  throw new SrError(
    'TOO_LARGE',
    `${what} would be ${size.width}×${size.height} (${formatMegapixels(pixels)}), more than one image can hold here (${formatMegapixels(Math.floor(MAX_ARRAY_LENGTH / channels))} at ${channels} channels)`,
    'Ask for a smaller output (a lower --scale, or --width/--height), or cut the photo into parts and upscale those.',
  );
}
