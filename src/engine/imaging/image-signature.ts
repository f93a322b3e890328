/**
 * The format an image file's first bytes announce, whatever follows. libvips recognises some formats only when it
 * can read their header (TIFF: its first directory, which usually sits at the end of the file), so a cut-off TIFF
 * comes back as "unsupported image format"; its signature says it is a damaged image, not some other kind of file.
 */
export function signatureFormat(head: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'JPEG';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'PNG';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'GIF';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'TIFF';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'AVIF';
    if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'HEIF';
  }
  return undefined;
}

/** How many leading bytes signatureFormat looks at. */
export const SIGNATURE_BYTES = 12;
