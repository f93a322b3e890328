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
