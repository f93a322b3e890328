import { SrError } from '../errors.ts';

/**
 * Turns a libvips/sharp failure into an SrError naming the file. sharp only gives us message strings,
 * so this matches the stable phrases libvips uses; anything unrecognised is reported as a damaged file
 * with libvips' own words as the reason.
 */
export function fromSharpError(error: unknown, label: string): SrError {
  if (error instanceof SrError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const reason = raw.split('\n')[0].trim();
  const lower = raw.toLowerCase();
  if (lower.includes('unsupported image format')) {
    return new SrError(
      'NOT_AN_IMAGE',
      `${label} is not an image this app can read`,
      'Use a JPEG, PNG, WebP, AVIF, TIFF or GIF file.',
      label,
      { cause: error },
    );
  }
  if (lower.includes('compression format has not been built in') || lower.includes('no decoding plugin')) {
    return new SrError(
      'NOT_AN_IMAGE',
      `${label} uses an image encoding this build cannot decode (${reason})`,
      'Convert it to JPEG or PNG first (HEIC photos usually need converting).',
      label,
      { cause: error },
    );
  }
  if (lower.includes('exceeds pixel limit')) {
    return new SrError(
      'TOO_LARGE',
      `${label} is larger than the pixel limit`,
      'Raise the pixel limit (maxPixels) or downscale it first.',
      label,
      {
        cause: error,
      },
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
