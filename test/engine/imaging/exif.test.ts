import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readDimensions, readOrientation, withDimensions } from '../../../src/engine/imaging/exif.ts';
import { makePhoto, rawSharp } from '../../helpers/imaging-photo.ts';

/** A little-endian EXIF block (TIFF part) with IFD0 orientation 6 and an Exif IFD with 16-bit pixel dimensions. */
function shortDimensionsExif(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(8 + 2 + 2 * 12 + 4 + 2 + 2 * 12 + 4);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0x4949);
  view.setUint16(2, 42, true);
  view.setUint32(4, 8, true);
  const entry = (at: number, tag: number, type: number, value: number) => {
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  };
  view.setUint16(8, 2, true);
  entry(10, 0x0112, 3, 6);
  const exifIfd = 10 + 2 * 12 + 4;
  entry(22, 0x8769, 4, exifIfd);
  view.setUint16(exifIfd, 2, true);
  entry(exifIfd + 2, 0xa002, 3, width);
  entry(exifIfd + 14, 0xa003, 3, height);
  return bytes;
}

describe('withDimensions', () => {
  it('sets the Exif IFD pixel dimensions of a block as libvips writes it, and nothing else', async () => {
    const jpeg = await rawSharp(makePhoto({ width: 48, height: 32 }))
      .withExif({ IFD0: { Model: 'X' } })
      .jpeg()
      .toBuffer();
    const exif = (await sharp(jpeg).metadata()).exif;
    if (!exif) throw new Error('sharp wrote no EXIF');
    expect(readDimensions(exif)).toEqual({ width: 48, height: 32 });
    const sized = withDimensions(exif, 96, 64);
    expect(readDimensions(sized)).toEqual({ width: 96, height: 64 });
    expect(sized.length).toBe(exif.length);
    expect(readDimensions(exif)).toEqual({ width: 48, height: 32 });
  });

  it('a 16-bit dimension too small for the new size becomes 32-bit in its own field', () => {
    const exif = shortDimensionsExif(4000, 3000);
    expect(readDimensions(exif)).toEqual({ width: 4000, height: 3000 });
    const sized = withDimensions(exif, 80000, 6000);
    expect(readDimensions(sized)).toEqual({ width: 80000, height: 6000 });
    expect(readOrientation(sized)).toBe(6);
    expect(sized.length).toBe(exif.length);
  });

  it('a block without an Exif IFD is returned unchanged', () => {
    // IFD0 cut after its first entry (the orientation): no Exif IFD pointer.
    const exif = shortDimensionsExif(10, 10).slice(0, 8 + 2 + 12 + 4);
    new DataView(exif.buffer).setUint16(8, 1, true);
    expect(Array.from(withDimensions(exif, 20, 20))).toEqual(Array.from(exif));
    expect(readDimensions(exif)).toEqual({});
  });
});
