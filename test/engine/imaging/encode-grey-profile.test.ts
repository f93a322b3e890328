import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { embedInPng } from '../../../src/engine/imaging/embed-metadata.ts';
import { encodePhoto } from '../../../src/engine/imaging/encode.ts';
import { readCameraModel } from '../../../src/engine/imaging/exif.ts';
import { readIccDescription } from '../../../src/engine/imaging/icc.ts';
import type { DecodedPhoto, RgbImage } from '../../../src/engine/imaging/image.ts';
import { greyIccProfile } from '../../helpers/grey-icc.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

// WebP and AVIF store colour only: a grey photo with a grey ICC profile is converted through that profile to sRGB,
// so it looks as it did; written unconverted and unlabelled, its values would be read as sRGB.

const COLOUR_ONLY = ['webp', 'avif'] as const;
/** Mean absolute difference, in levels, allowed against the reference at quality 100 (measured: WebP 0.6, AVIF 0). */
const TOLERANCE = 2;
const CAMERA_MODEL = 'Grey Cam';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'srs-encode-grey-icc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A photo-like grey image (equal channels, as the decoder gives a grey source), with alpha if asked. */
function greyPhoto(alpha: boolean): RgbImage {
  const image = makePhoto({ width: 48, height: 32, seed: 7, alpha });
  for (let i = 0; i < image.data.length; i += image.channels) image.data[i + 1] = image.data[i + 2] = image.data[i];
  return image;
}

/**
 * A grey PNG (two channels with alpha) of `image`'s grey values, carrying `icc` and an EXIF camera model if asked,
 * built with sharp alone, and the photo the project decodes from it.
 */
async function greySource(name: string, image: RgbImage, icc?: Uint8Array, exif = false): Promise<{ path: string; decoded: DecodedPhoto }> {
  const alpha = image.channels === 4;
  const grey = new Uint8Array(image.width * image.height * (alpha ? 2 : 1));
  for (let i = 0, o = 0; i < image.data.length; i += image.channels) {
    grey[o++] = image.data[i];
    if (alpha) grey[o++] = image.data[i + 3];
  }
  let pipeline = sharp(grey, { raw: { width: image.width, height: image.height, channels: alpha ? 2 : 1 } }).toColourspace('b-w');
  if (exif) pipeline = pipeline.withExif({ IFD0: { Model: CAMERA_MODEL } });
  const png = await pipeline.png().toBuffer();
  const path = join(dir, `${name}.png`);
  writeFileSync(path, icc ? embedInPng(png, { icc }) : png);
  const decoded = await decodePhoto(path);
  expect({ grey: decoded.metadata.grey, icc: decoded.metadata.icc }).toEqual({ grey: true, icc });
  return { path, decoded };
}

/** Pixels converted to sRGB through the file's profile (sharp's default when it has one), as a viewer shows them. */
async function asSrgb(path: string, channels: 3 | 4): Promise<RgbImage> {
  const { data, info } = await sharp(path).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(channels);
  return { width: info.width, height: info.height, channels, data: new Uint8Array(data) };
}

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height, a.channels]).toEqual([b.width, b.height, b.channels]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe('a grey photo with a grey ICC profile, written as WebP or AVIF', () => {
  it('linear grey (gamma 1.0): converted to sRGB and labelled sRGB, so it looks as the source does', async () => {
    const { path, decoded } = await greySource('linear', greyPhoto(false), greyIccProfile(1.0, 'Linear grey'));
    const reference = await asSrgb(path, 3);
    // What was written before: the grey values as stored, read as sRGB. Far off, so the check below proves something.
    expect(meanAbsDiff(decoded.image, reference)).toBeGreaterThan(30);
    for (const format of COLOUR_ONLY) {
      const out = join(dir, `linear.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format, quality: 100 });
      const meta = await sharp(out).metadata();
      expect({ format, channels: meta.channels, profile: readIccDescription(meta.icc ?? new Uint8Array()) }).toMatchObject({
        format,
        channels: 3,
        profile: expect.stringContaining('sRGB'),
      });
      expect(meanAbsDiff(await asSrgb(out, 3), reference), format).toBeLessThan(TOLERANCE);
    }
  });

  it('Gray Gamma 2.2 matches its reference conversion too', async () => {
    const { path, decoded } = await greySource('gamma22', greyPhoto(false), greyIccProfile(2.2, 'Gray Gamma 2.2'));
    const reference = await asSrgb(path, 3);
    for (const format of COLOUR_ONLY) {
      const out = join(dir, `gamma22.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format, quality: 100 });
      expect(meanAbsDiff(await asSrgb(out, 3), reference), format).toBeLessThan(TOLERANCE);
    }
  });

  it('grey with alpha: the grey is converted, the alpha kept', async () => {
    const { path, decoded } = await greySource('linear-alpha', greyPhoto(true), greyIccProfile(1.0));
    const reference = await asSrgb(path, 4);
    expect(meanAbsDiff(decoded.image, reference)).toBeGreaterThan(20);
    const out = join(dir, 'linear-alpha.webp');
    await encodePhoto(decoded.image, decoded.metadata, out, { format: 'webp', quality: 100 });
    expect(await sharp(out).metadata()).toMatchObject({ channels: 4, hasAlpha: true });
    expect(meanAbsDiff(await asSrgb(out, 4), reference)).toBeLessThan(TOLERANCE);
  });

  it('keeps the EXIF beside the conversion', async () => {
    const { decoded } = await greySource('linear-exif', greyPhoto(false), greyIccProfile(1.0), true);
    for (const format of COLOUR_ONLY) {
      const out = join(dir, `linear-exif.${format}`);
      await encodePhoto(decoded.image, decoded.metadata, out, { format, quality: 100 });
      const meta = await sharp(out).metadata();
      expect({ format, model: readCameraModel(meta.exif ?? new Uint8Array()) }).toEqual({ format, model: CAMERA_MODEL });
    }
  });
});

describe('a grey photo without a profile, written as WebP or AVIF', () => {
  it('is written as its grey values, unlabelled, with or without EXIF', async () => {
    const image = greyPhoto(false);
    for (const withExif of [false, true]) {
      const { decoded } = await greySource(`plain-${withExif}`, image, undefined, withExif);
      for (const format of COLOUR_ONLY) {
        const out = join(dir, `plain-${withExif}.${format}`);
        await encodePhoto(decoded.image, decoded.metadata, out, { format, quality: 100 });
        const meta = await sharp(out).metadata();
        expect({ format, withExif, icc: meta.icc }).toEqual({ format, withExif, icc: undefined });
        expect(meanAbsDiff(await asSrgb(out, 3), image), format).toBeLessThan(TOLERANCE);
      }
    }
  });
});
