import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBuffer, decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { encodePhotoBytes } from '../../../src/engine/imaging/encode.ts';
import { readCameraModel, readOrientation } from '../../../src/engine/imaging/exif.ts';
import type { DecodedPhoto } from '../../../src/engine/imaging/image.ts';
import { CAMERA_MODEL, writeBadFiles } from '../../helpers/imaging-bad-files.ts';

let dir: string;
let rotated: DecodedPhoto;
let p3: DecodedPhoto;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'srs-embed-'));
  const files = await writeBadFiles(dir);
  rotated = await decodePhoto(files.orientation6Jpeg);
  p3 = await decodePhoto(files.p3Jpeg);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The APPn segments before the image data: marker and the first bytes of each. */
function appSegments(jpeg: Uint8Array): { marker: number; head: string }[] {
  const out: { marker: number; head: string }[] = [];
  let at = 2;
  while (jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const length = (jpeg[at + 2] << 8) | jpeg[at + 3];
    if (jpeg[at + 1] >= 0xe0 && jpeg[at + 1] <= 0xef) {
      out.push({ marker: jpeg[at + 1], head: Buffer.from(jpeg.subarray(at + 4, at + 16)).toString('latin1') });
    }
    at += 2 + length;
  }
  return out;
}

function pngChunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + view.getUint32(at)) {
    types.push(Buffer.from(png.subarray(at + 4, at + 8)).toString('latin1'));
  }
  return types;
}

describe('ICC and EXIF written straight into JPEG and PNG (no carrier)', () => {
  it('JPEG: one Exif segment (the photo’s, orientation 1) in place of the encoder’s own, then the profile', async () => {
    // A density makes libvips write a small Exif of its own: it must be replaced, not kept beside ours.
    const bytes = await encodePhotoBytes(rotated.image, { ...rotated.metadata, density: 300 }, 'x.jpg', { format: 'jpeg' });
    const exifSegments = appSegments(bytes).filter((s) => s.marker === 0xe1 && s.head.startsWith('Exif'));
    expect(exifSegments).toHaveLength(1);
    const back = await sharp(bytes).metadata();
    expect(readOrientation(new Uint8Array(back.exif as Buffer))).toBe(1);
    expect(readCameraModel(new Uint8Array(back.exif as Buffer))).toBe(CAMERA_MODEL);
    expect(back.density).toBe(300);
  });

  it('JPEG: a density the photo’s EXIF has no resolution tags for goes into JFIF, so it is not lost', async () => {
    // A bare EXIF block: TIFF header and an IFD0 with the orientation only.
    const exif = Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    const bytes = await encodePhotoBytes(rotated.image, { format: 'jpeg', exif, density: 240 }, 'bare.jpg', { format: 'jpeg' });
    expect(appSegments(bytes).map((s) => s.marker)).toEqual([0xe0, 0xe1]);
    const back = await sharp(bytes).metadata();
    expect(back.density).toBe(240);
    expect(readOrientation(new Uint8Array(back.exif as Buffer))).toBe(1);
  });

  it('JPEG: a profile larger than one segment is split as ICC.1 says and read back byte for byte', async () => {
    // The P3 profile, grown past two 64 KB segments (its size field kept true): readers join the pieces in order.
    const base = p3.metadata.icc as Uint8Array;
    const big = new Uint8Array(150_000);
    big.set(base);
    new DataView(big.buffer).setUint32(0, big.length);
    for (let i = base.length; i < big.length; i++) big[i] = i % 251;
    const bytes = await encodePhotoBytes(p3.image, { ...p3.metadata, icc: big }, 'big-icc.jpg', { format: 'jpeg' });
    expect(appSegments(bytes).filter((s) => s.marker === 0xe2 && s.head.startsWith('ICC_PROFILE'))).toHaveLength(3);
    const back = await sharp(bytes).metadata();
    expect(Buffer.compare(back.icc as Buffer, Buffer.from(big))).toBe(0);
  });

  it('PNG: iCCP and one eXIf right after IHDR; the pixels are the ones given', async () => {
    const bytes = await encodePhotoBytes(p3.image, { ...p3.metadata, exif: rotated.metadata.exif, density: 300 }, 'x.png', {
      format: 'png',
    });
    const types = pngChunkTypes(bytes);
    expect(types.slice(0, 3)).toEqual(['IHDR', 'iCCP', 'eXIf']);
    expect(types.filter((t) => t === 'eXIf')).toHaveLength(1);
    // Decoded as a batch decodes (the profile kept, no conversion to sRGB): the very pixels given.
    const decoded = await decodeBuffer(bytes, 'x.png');
    expect(Buffer.from(decoded.image.data).equals(Buffer.from(p3.image.data))).toBe(true);
    expect(Buffer.compare(decoded.metadata.icc as Uint8Array, p3.metadata.icc as Uint8Array)).toBe(0);
    expect(readOrientation(decoded.metadata.exif as Uint8Array)).toBe(1);
    expect(decoded.metadata.density).toBe(300);
  });
});
