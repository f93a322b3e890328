import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { isImageFileName } from '../../../src/engine/imaging/image-file-name.ts';
import { probePhoto } from '../../../src/engine/imaging/probe.ts';
import { type BrokenFile, CAMERA_MODEL, TEST_COLOUR, type UnusualFile, writeBadFiles } from '../../helpers/imaging-bad-files.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

let dir: string;
let files: Record<BrokenFile | UnusualFile, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'srs-decode-formats-'));
  files = await writeBadFiles(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pixel(image: RgbImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * image.channels;
  return Array.from(image.data.subarray(at, at + image.channels));
}

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe('decodePhoto normalises to 8-bit RGB(A)', () => {
  it('applies EXIF orientation 6: dimensions swap and the red stored top-left corner lands top-right', async () => {
    const { image, metadata } = await decodePhoto(files.orientation6Jpeg);
    expect([image.width, image.height]).toEqual([32, 48]);
    const [r, g, b] = pixel(image, 31 - 2, 2);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(50);
    expect(b).toBeLessThan(50);
    // and nowhere near the other corners
    expect(pixel(image, 2, 2)[0] - pixel(image, 2, 2)[1]).toBeLessThan(150);
    expect(metadata.exif).toBeDefined();
  });

  it('16-bit PNG → 8-bit with the same colour', async () => {
    const { image } = await decodePhoto(files.png16);
    expect(image.channels).toBe(3);
    expect(image.data.length).toBe(8 * 6 * 3);
    expect(pixel(image, 3, 3)).toEqual([TEST_COLOUR.r, TEST_COLOUR.g, TEST_COLOUR.b]);
  });

  it('16-bit PNG kept 16-bit when asked (an upscale to PNG or TIFF): the stored samples, exactly; 8-bit files stay 8-bit', async () => {
    const { image, bitsPerChannel } = await decodePhoto(files.png16, { keepDepth: true });
    expect(image.data).toBeInstanceOf(Uint16Array);
    expect([image.width, image.height, image.channels, bitsPerChannel]).toEqual([8, 6, 3, 16]);
    // The fixture stores each 8-bit colour ×256, as libvips' conversion to 16 bits (a shift) made it.
    expect(Array.from(image.data.subarray(0, 3))).toEqual([TEST_COLOUR.r * 256, TEST_COLOUR.g * 256, TEST_COLOUR.b * 256]);
    for (const file of [files.grayPng, files.rgbaPng, files.tiff]) {
      expect((await decodePhoto(file, { keepDepth: true })).image.data).toBeInstanceOf(Uint8Array);
    }
  });

  it('CMYK JPEG → RGB close to the original colour, CMYK profile not kept', async () => {
    const { image, metadata } = await decodePhoto(files.cmykJpeg);
    expect(image.channels).toBe(3);
    const [r, g, b] = pixel(image, 4, 3);
    // a round trip through a generic CMYK profile shifts colours a little, never wildly
    expect(Math.abs(r - TEST_COLOUR.r)).toBeLessThan(20);
    expect(Math.abs(g - TEST_COLOUR.g)).toBeLessThan(20);
    expect(Math.abs(b - TEST_COLOUR.b)).toBeLessThan(40);
    expect(r).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);
    expect(metadata.icc).toBeUndefined();
  });

  it('greyscale → 3 equal channels', async () => {
    const { image } = await decodePhoto(files.grayPng);
    expect(image.channels).toBe(3);
    expect(image.data.length).toBe(64 * 48 * 3);
    for (let i = 0; i < image.data.length; i += 3) {
      expect(image.data[i + 1]).toBe(image.data[i]);
      expect(image.data[i + 2]).toBe(image.data[i]);
    }
  });

  it('animated GIF → the first frame only (red, not blue), no needless alpha', async () => {
    const { image, metadata, pages } = await decodePhoto(files.animatedGif);
    expect([image.width, image.height, image.channels]).toEqual([16, 12, 3]);
    expect(pixel(image, 8, 11)).toEqual([255, 0, 0]);
    expect(metadata.format).toBe('gif');
    // How many it held, so that a batch can say only the first was upscaled; a file of one image has none.
    expect(pages).toBe(2);
    expect((await decodePhoto(files.tinyPng)).pages).toBeUndefined();
  });

  it('keeps alpha when the image has one', async () => {
    const { image } = await decodePhoto(files.rgbaPng);
    const expected = makePhoto({ width: 40, height: 30, seed: 3, alpha: true });
    expect(image.channels).toBe(4);
    expect(Buffer.from(image.data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('decodes a 1×1 image', async () => {
    const { image } = await decodePhoto(files.tinyPng);
    expect([image.width, image.height, image.channels]).toEqual([1, 1, 3]);
    expect(pixel(image, 0, 0)).toEqual([TEST_COLOUR.r, TEST_COLOUR.g, TEST_COLOUR.b]);
  });

  it('WebP, AVIF and TIFF decode to the photo they were made from', async () => {
    const original = makePhoto({ width: 64, height: 48, seed: 7 });
    for (const [name, format, tolerance] of [
      ['tiff', 'tiff', 0],
      ['webp', 'webp', 8],
      ['avif', 'avif', 8],
    ] as const) {
      const { image, metadata } = await decodePhoto(files[name]);
      expect(metadata.format).toBe(format);
      expect([image.width, image.height, image.channels]).toEqual([64, 48, 3]);
      expect(meanAbsDiff(image, original)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('keeps a Display-P3 photo in P3: the ICC profile is returned and pixels are not converted to sRGB', async () => {
    const { image, metadata } = await decodePhoto(files.p3Jpeg);
    expect(metadata.icc?.length).toBeGreaterThan(100);
    expect(Buffer.from(metadata.icc!).subarray(36, 40).toString('latin1')).toBe('acsp');
    // P3 coordinates of a saturated sRGB colour are less saturated; an sRGB conversion would undo that
    const original = makePhoto({ width: 64, height: 48, seed: 7 });
    expect(meanAbsDiff(image, original)).toBeGreaterThan(1);
    expect(metadata.xmp).toBeDefined();
    expect(metadata.exif).toBeDefined();
  });
});

describe('probePhoto', () => {
  it('reports orientation-corrected size, camera, profile and file size from the header', async () => {
    const info = await probePhoto(files.orientation6Jpeg);
    expect(info).toMatchObject({ width: 32, height: 48, format: 'jpeg', orientation: 6, cameraModel: CAMERA_MODEL, hasAlpha: false });
    expect(info.bytes).toBeGreaterThan(500);
    const p3 = await probePhoto(files.p3Jpeg);
    expect(p3.hasIcc).toBe(true);
    expect(p3.iccName).toBeTruthy(); // libvips' compact P3 profile calls itself "sP3C"
    const rgba = await probePhoto(files.rgbaPng);
    expect(rgba).toMatchObject({ width: 40, height: 30, channels: 4, hasAlpha: true, hasIcc: false, format: 'png' });
    expect((await probePhoto(files.avif)).format).toBe('avif');
    // probe agrees with decode on size for every valid fixture
    for (const name of ['tinyPng', 'cmykJpeg', 'png16', 'grayPng', 'animatedGif', 'webp', 'tiff'] as const) {
      const probed = await probePhoto(files[name]);
      const { image } = await decodePhoto(files[name]);
      expect([probed.width, probed.height]).toEqual([image.width, image.height]);
    }
  });
});

describe('isImageFileName', () => {
  it('accepts what the bundled sharp reads, and HEIC (libheif), case-insensitively', () => {
    for (const name of ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.avif', 'f.tif', 'g.TIFF', 'h.gif', 'IMG_1.HEIC', 'i.heif']) {
      expect(isImageFileName(name)).toBe(true);
    }
  });
  it('rejects what it cannot read and non-images', () => {
    for (const name of ['scan.jxl', 'x.bmp', 'edit.psd', 'notes.txt', 'jpg', '.jpg.srs-tmp', 'model.onnx']) {
      expect(isImageFileName(name)).toBe(false);
    }
  });
});
