import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { embedInJpeg, embedInPng } from '../../../src/engine/imaging/embed-metadata.ts';
import {
  encodePhoto,
  encodePhotoBytes,
  encodeToBuffer,
  formatFromExtension,
  type OutputFormat,
} from '../../../src/engine/imaging/encode.ts';
import { exifTiffPayload, readCameraModel, readDimensions, readOrientation, withOrientation } from '../../../src/engine/imaging/exif.ts';
import { readIccDescription } from '../../../src/engine/imaging/icc.ts';
import type { DecodedPhoto, RgbImage } from '../../../src/engine/imaging/image.ts';
import { type BrokenFile, CAMERA_MODEL, type UnusualFile, writeBadFiles, XMP_MARKER } from '../../helpers/imaging-bad-files.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

const FORMATS: OutputFormat[] = ['png', 'jpeg', 'webp', 'avif', 'tiff'];
let dir: string;
let files: Record<BrokenFile | UnusualFile, string>;
let p3: DecodedPhoto;
let rotated: DecodedPhoto;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'srs-encode-'));
  files = await writeBadFiles(dir);
  p3 = await decodePhoto(files.p3Jpeg);
  rotated = await decodePhoto(files.orientation6Jpeg);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe('encodePhoto keeps what the source carried', () => {
  for (const format of FORMATS) {
    it(`${format}: the Display-P3 ICC profile survives byte for byte, pixels are not colour-converted`, async () => {
      const out = join(dir, `p3.${format}`);
      const { bytes } = await encodePhoto(p3.image, p3.metadata, out, { format });
      expect(bytes).toBeGreaterThan(100);
      const meta = await sharp(out).metadata();
      expect(meta.icc && Buffer.compare(meta.icc, Buffer.from(p3.metadata.icc!))).toBe(0);
      const back = await decodePhoto(out);
      expect([back.image.width, back.image.height]).toEqual([64, 48]);
      // lossless formats give the same P3 numbers back; lossy ones come close (a P3→sRGB slip would not)
      expect(meanAbsDiff(back.image, p3.image)).toBeLessThanOrEqual(format === 'png' || format === 'tiff' ? 0 : 4);
    });

    it(`${format}: XMP survives`, async () => {
      const out = join(dir, `xmp.${format}`);
      await encodePhoto(p3.image, p3.metadata, out, { format });
      const back = await decodePhoto(out);
      expect(Buffer.from(back.metadata.xmp ?? []).toString('utf8')).toContain(XMP_MARKER);
    });
  }

  // libvips writes no EXIF into TIFF, so TIFF is left out here (documented in encode.ts).
  for (const format of ['png', 'jpeg', 'webp', 'avif'] as const) {
    it(`${format}: EXIF survives with orientation reset to 1, so viewers don't rotate the upright pixels again`, async () => {
      expect(readOrientation(rotated.metadata.exif!)).toBe(6);
      const out = join(dir, `exif.${format}`);
      await encodePhoto(rotated.image, rotated.metadata, out, { format });
      const back = await decodePhoto(out);
      expect(back.metadata.exif).toBeDefined();
      expect(readOrientation(back.metadata.exif!)).toBe(1);
      expect(readCameraModel(back.metadata.exif!)).toBe(CAMERA_MODEL);
      // re-decoding does not rotate a second time
      expect([back.image.width, back.image.height]).toEqual([32, 48]);
    });

    it(`${format}: EXIF pixel dimensions are the size written, not the source size before upscaling and turning`, async () => {
      expect(readDimensions(rotated.metadata.exif!)).toEqual({ width: 48, height: 32 });
      const upscaled = makePhoto({ width: 64, height: 96, seed: 11 });
      const out = join(dir, `exif-size.${format}`);
      await encodePhoto(upscaled, rotated.metadata, out, { format });
      expect(readDimensions((await sharp(out).metadata()).exif!)).toEqual({ width: 64, height: 96 });
    });
  }

  it('an image without metadata is written without any', async () => {
    const plain = makePhoto({ width: 20, height: 10, seed: 5 });
    const out = join(dir, 'plain.png');
    await encodePhoto(plain, { format: 'png' }, out, { format: 'png' });
    const meta = await sharp(out).metadata();
    expect(meta.icc).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(Buffer.from((await decodePhoto(out)).image.data).equals(Buffer.from(plain.data))).toBe(true);
  });
});

describe('alpha', () => {
  const rgba = makePhoto({ width: 24, height: 16, seed: 9, alpha: true });

  for (const format of ['png', 'webp', 'tiff'] as const) {
    it(`${format} keeps alpha`, async () => {
      const out = join(dir, `alpha.${format}`);
      await encodePhoto(rgba, { format: 'png' }, out, { format, quality: 100 });
      const back = await decodePhoto(out);
      expect(back.image.channels).toBe(4);
      for (let i = 3; i < rgba.data.length; i += 4) expect(Math.abs(back.image.data[i] - rgba.data[i])).toBeLessThanOrEqual(1);
    });
  }

  it('jpeg flattens alpha onto white', async () => {
    const out = join(dir, 'alpha.jpg');
    await encodePhoto(rgba, { format: 'png' }, out, { format: 'jpeg', quality: 100 });
    const back = await decodePhoto(out);
    expect(back.image.channels).toBe(3);
    const expected = new Uint8Array(rgba.width * rgba.height * 3);
    for (let p = 0; p < rgba.width * rgba.height; p++) {
      const a = rgba.data[p * 4 + 3] / 255;
      for (let c = 0; c < 3; c++) expected[p * 3 + c] = Math.round(rgba.data[p * 4 + c] * a + 255 * (1 - a));
    }
    expect(meanAbsDiff(back.image, { ...back.image, data: expected })).toBeLessThan(3);
  });
});

describe('greyscale', () => {
  it('a grey source decodes to 3 equal channels and is written grey again, with the same values (lossless formats)', async () => {
    const grey = await decodePhoto(files.grayPng);
    expect(grey.metadata.grey).toBe(true);
    expect(p3.metadata.grey).toBeUndefined();
    for (const format of ['png', 'tiff', 'jpeg'] as const) {
      const out = join(dir, `grey.${format}`);
      await encodePhoto(grey.image, grey.metadata, out, { format, quality: 100 });
      expect(await sharp(out).metadata()).toMatchObject({ channels: 1, space: 'b-w' });
      const back = await decodePhoto(out);
      expect(back.metadata.grey).toBe(true);
      const tolerance = format === 'jpeg' ? 1 : 0;
      expect(meanAbsDiff(back.image, grey.image)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('a grey file keeps its grey ICC profile, byte for byte, and stays grey', async () => {
    const srgbIcc = (await sharp(await sharp(files.p3Jpeg).withIccProfile('srgb').png().toBuffer()).metadata()).icc;
    if (!srgbIcc) throw new Error('sharp gave no sRGB profile');
    // A grey profile as far as a reader can tell: the header's colour space (bytes 16–19) set to GRAY.
    const greyIcc = Uint8Array.from(srgbIcc);
    greyIcc.set(new TextEncoder().encode('GRAY'), 16);
    const source = join(dir, 'grey-icc.png');
    writeFileSync(source, embedInPng(readFileSync(files.grayPng), { icc: greyIcc }));
    const decoded = await decodePhoto(source);
    expect(decoded.metadata.grey).toBe(true);
    // TIFF goes through the PNG carrier (withProfileAndExif), which must stay grey too.
    for (const format of ['png', 'jpeg', 'tiff'] as const) {
      const out = join(dir, `grey-icc-out.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format });
      const meta = await sharp(out).metadata();
      expect({ format, channels: meta.channels, space: meta.space }).toEqual({ format, channels: 1, space: 'b-w' });
      expect(Array.from(meta.icc ?? [])).toEqual(Array.from(greyIcc));
    }
    // WebP and AVIF store colour only: a grey profile cannot describe those pixels, so they are converted to sRGB and
    // labelled so (encode-grey-profile.test.ts checks the conversion; lcms cannot use this profile, so here it passes).
    for (const format of ['webp', 'avif'] as const) {
      const out = join(dir, `grey-icc-out.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format });
      const meta = await sharp(out).metadata();
      const profile = readIccDescription(meta.icc ?? new Uint8Array());
      expect({ format, channels: meta.channels, profile }).toEqual({ format, channels: 3, profile: expect.stringContaining('sRGB') });
    }
  });

  it('a grey JPEG with an EXIF orientation stays grey in every format that stores grey, EXIF kept at orientation 1', async () => {
    const plain = await sharp(files.grayPng)
      .toColourspace('b-w')
      .withExif({ IFD0: { Model: CAMERA_MODEL } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const exif = (await sharp(plain).metadata()).exif;
    if (!exif) throw new Error('sharp wrote no EXIF');
    // libvips writes its own orientation over withExif's, so the tag is set to 6 in the block it wrote.
    const source = join(dir, 'grey-rotated.jpg');
    writeFileSync(source, embedInJpeg(plain, { exifTiff: exifTiffPayload(withOrientation(exif, 6)) }));
    const decoded = await decodePhoto(source);
    expect(decoded.metadata.grey).toBe(true);
    expect([decoded.image.width, decoded.image.height]).toEqual([48, 64]);
    for (const format of ['png', 'jpeg', 'tiff'] as const) {
      const out = join(dir, `grey-rotated-out.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format });
      const meta = await sharp(out).metadata();
      expect({ format, channels: meta.channels, space: meta.space }).toEqual({ format, channels: 1, space: 'b-w' });
      // libvips writes no EXIF block into TIFF, only its own Orientation tag.
      expect({ format, orientation: meta.orientation ?? 1 }).toEqual({ format, orientation: 1 });
      if (format !== 'tiff') expect(readCameraModel(meta.exif ?? new Uint8Array())).toBe(CAMERA_MODEL);
    }
  });

  it('grey with alpha keeps its alpha as a second channel; JPEG flattens it onto white', async () => {
    const rgba = makePhoto({ width: 24, height: 16, seed: 3, alpha: true });
    // A grey photo with alpha, as the decoder gives it: equal colour channels.
    for (let i = 0; i < rgba.data.length; i += 4) rgba.data[i + 1] = rgba.data[i + 2] = rgba.data[i];
    const png = join(dir, 'grey-alpha.png');
    await encodePhoto(rgba, { format: 'png', grey: true }, png, { format: 'png' });
    expect(await sharp(png).metadata()).toMatchObject({ channels: 2, space: 'b-w' });
    const back = await decodePhoto(png);
    expect(back.metadata.grey).toBe(true);
    expect(Array.from(back.image.data)).toEqual(Array.from(rgba.data));
    const jpeg = join(dir, 'grey-alpha.jpg');
    await encodePhoto(rgba, { format: 'png', grey: true }, jpeg, { format: 'jpeg', quality: 100 });
    expect(await sharp(jpeg).metadata()).toMatchObject({ channels: 1, space: 'b-w' });
  });
});

describe('16-bit images', () => {
  /** A photo in 16 bits, each sample moved within its 8-bit level; RGBA with a 16-bit alpha ramp. */
  const deep = (channels: 3 | 4): RgbImage<Uint16Array> => {
    const photo = makePhoto({ width: 24, height: 16, seed: 9, alpha: channels === 4 });
    const data = Uint16Array.from(photo.data, (v, i) => Math.min(65535, Math.max(0, v * 257 + ((i * 13) % 200) - 100)));
    return { width: 24, height: 16, channels, data };
  };
  const samplesOf = async (bytes: Uint8Array, space: 'rgb16' | 'grey16') => {
    const { data } = await sharp(bytes).toColourspace(space).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    return new Uint16Array(new Uint8Array(data).buffer);
  };

  for (const format of ['png', 'tiff'] as const) {
    it(`${format} stores them as they are, RGB and RGBA, and grey as grey16`, async () => {
      for (const image of [deep(3), deep(4)]) {
        const bytes = await encodeToBuffer(image, { format });
        const meta = await sharp(bytes).metadata();
        expect([meta.depth, meta.space, meta.channels]).toEqual(['ushort', 'rgb16', image.channels]);
        expect(Array.from(await samplesOf(bytes, 'rgb16'))).toEqual(Array.from(image.data));
      }
      const colour = deep(3);
      const grey: RgbImage<Uint16Array> = { ...colour, data: colour.data.map((_, i) => colour.data[i - (i % 3)]) };
      const bytes = await encodePhotoBytes(grey, { format, grey: true }, 'grey', { format });
      const meta = await sharp(bytes).metadata();
      expect([meta.depth, meta.space, meta.channels]).toEqual(['ushort', 'grey16', 1]);
      expect(Array.from(await samplesOf(bytes, 'grey16'))).toEqual(Array.from(grey.data.filter((_, i) => i % 3 === 0)));
    });
  }

  it('JPEG, WebP and AVIF hold 8 bits: the samples are rounded to the nearest 8-bit level (65535 → 255)', async () => {
    const image = deep(3);
    const nearest: RgbImage = { ...image, data: Uint8Array.from(image.data, (v) => Math.round(v / 257)) };
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      const bytes = await encodeToBuffer(image, { format });
      expect((await sharp(bytes).metadata()).depth, format).toBe('uchar');
      // The same encoder on the same pixels: the bytes of the rounded 8-bit image.
      expect(Buffer.compare(bytes, await encodeToBuffer(nearest, { format })), format).toBe(0);
    }
  });
});

describe('options', () => {
  const photo = makePhoto({ width: 96, height: 64, seed: 21 });

  it('quality changes the JPEG size', async () => {
    const low = await encodePhoto(photo, { format: 'png' }, join(dir, 'q20.jpg'), { format: 'jpeg', quality: 20 });
    const high = await encodePhoto(photo, { format: 'png' }, join(dir, 'q95.jpg'), { format: 'jpeg', quality: 95 });
    expect(high.bytes).toBeGreaterThan(low.bytes * 1.5);
  });

  it('rejects quality outside 1..100', async () => {
    for (const quality of [0, 101, 50.5]) {
      const error = await encodeToBuffer(photo, { format: 'jpeg', quality }).catch((e: unknown) => e);
      expect(isSrError(error) && error.code).toBe('BAD_ARGUMENT');
    }
  });

  it('encodeToBuffer produces each format', async () => {
    for (const format of FORMATS) {
      const bytes = await encodeToBuffer(photo, { format });
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([96, 64]);
      expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
    }
  });

  it('refuses pixel data that does not match the stated size', async () => {
    const error = await encodeToBuffer({ width: 10, height: 10, channels: 3, data: new Uint8Array(12) }, { format: 'png' }).catch(
      (e: unknown) => e,
    );
    expect(isSrError(error) && error.code).toBe('INTERNAL');
  });

  it('writes atomically: no temp files left beside the output', () => {
    expect(readdirSync(dir).filter((name) => name.includes('.srs-tmp'))).toEqual([]);
  });
});

describe('formatFromExtension', () => {
  it('maps the usual extensions, case-insensitively', () => {
    expect(formatFromExtension('/a/b.PNG')).toBe('png');
    expect(formatFromExtension('x.jpg')).toBe('jpeg');
    expect(formatFromExtension('x.jpeg')).toBe('jpeg');
    expect(formatFromExtension('x.webp')).toBe('webp');
    expect(formatFromExtension('x.avif')).toBe('avif');
    expect(formatFromExtension('x.tif')).toBe('tiff');
    expect(formatFromExtension('x.tiff')).toBe('tiff');
    expect(formatFromExtension('x.gif')).toBeUndefined();
    expect(formatFromExtension('noext')).toBeUndefined();
  });
});
