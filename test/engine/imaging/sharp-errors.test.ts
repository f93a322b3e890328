import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fromSharpError } from '../../../src/engine/imaging/sharp-errors.ts';

describe('a libvips failure as the user reads it', () => {
  it('calls running out of memory TOO_LARGE, not a damaged file', () => {
    // The words libvips' tracked allocator and sharp's C++ layer use (libvips/iofuncs/memory.c; std::bad_alloc).
    for (const message of ['out of memory --- size == 5120MB', 'std::bad_alloc']) {
      const error = fromSharpError(new Error(message), 'huge.png');
      expect(error.code).toBe('TOO_LARGE');
      expect(error.message).toBe(`huge.png needs more memory than is free: ${message}`);
      expect(error.hint).toContain('--scale');
    }
  });

  it('still calls bytes that are not an image NOT_AN_IMAGE, and a cut-off one CORRUPT_IMAGE', async () => {
    const notImage = await sharp(Buffer.from('plain text, not pixels'))
      .metadata()
      .catch((e: unknown) => e);
    expect(notImage).toBeInstanceOf(Error);
    expect(fromSharpError(notImage, 'notes.png').code).toBe('NOT_AN_IMAGE');

    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#468' } })
      .png()
      .toBuffer();
    const cut = await sharp(png.subarray(0, png.length - 40))
      .raw()
      .toBuffer()
      .catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Error);
    expect(fromSharpError(cut, 'cut.png').code).toBe('CORRUPT_IMAGE');
  });
});
