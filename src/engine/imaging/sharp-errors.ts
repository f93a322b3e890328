import { SrError } from '../errors.ts';

/**
 * Turns a libvips/sharp failure into an SrError naming the file. sharp only gives us message strings,
 * so this matches the stable phrases libvips uses; anything unrecognised is reported as a damaged file
 * with libvips' own words as the reason.
 */
export function fromSharpError(error: unknown, label: string): SrError {
  if (error instanceof SrError) return error;
  const raw = messageOf(error);
  const reason = raw.split('\n')[0].trim();
  const lower = raw.toLowerCase();
  if (lower.includes('unsupported image format')) {
    return new SrError(
      'NOT_AN_IMAGE',
      `${label} is not an image this app can read`,
      'Use a JPEG, PNG, HEIC, WebP, AVIF, TIFF or GIF file.',
      label,
      { cause: error },
    );
  }
  if (lower.includes('compression format has not been built in') || lower.includes('no decoding plugin')) {
    return new SrError(
      'NOT_AN_IMAGE',
      `${label} uses an image encoding this build cannot decode (${reason})`,
      'Convert it to JPEG or PNG first.',
      label,
      { cause: error },
    );
  }
  if (lower.includes('exceeds pixel limit')) {
    return new SrError(
      'TOO_LARGE',
      `${label} is larger than the pixel limit`,
      'If you trust this file, raise the limit (srstudio upscale --max-pixels N); otherwise downscale it first.',
      label,
      {
        cause: error,
      },
    );
  }
  // libvips' allocator says "out of memory --- size == NMB", sharp's C++ "std::bad_alloc": the file may be fine, the
  // machine is not big enough for it (assertFitsMemory refuses most such photos before they get here).
  if (lower.includes('out of memory') || lower.includes('bad_alloc')) {
    return new SrError(
      'TOO_LARGE',
      `${label} needs more memory than is free: ${reason}`,
      'Close other programs, ask for a smaller output (a lower --scale, or --width/--height), or lower --max-pixels.',
      label,
      { cause: error },
    );
  }
  return new SrError(
    'CORRUPT_IMAGE',
    `${label} is damaged or incomplete: ${reason}`,
    'Re-export or re-download the file; if it opens elsewhere, re-save it as PNG or JPEG.',
    label,
    { cause: error },
  );
}

/**
 * Image data that is cut short or overwritten (decode-warnings.ts): the decoder would fill the gap with grey, so the
 * file is refused rather than upscaled into a half-grey photo.
 */
export function damagedDataError(error: unknown, label: string): SrError {
  // libvips prefixes its loader's name and repeats the warning once per line; the first line, bare, says it all.
  const reason = messageOf(error)
    .split('\n')[0]
    .replace(/^Vips\w+:\s*/, '')
    .trim();
  return new SrError(
    'CORRUPT_IMAGE',
    `${label} is damaged: part of its image data is missing or overwritten (${reason})`,
    'Re-export or re-download the file; decoded as it is, part of the photo would come out flat grey.',
    label,
    { cause: error },
  );
}

/** sharp rejects with Errors, but a message is all that is needed, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
