import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { ErrorCode } from '../../src/engine/errors.ts';
import { makePhoto, rawSharp, seededRandom } from './imaging-photo.ts';

/**
 * Files that must be rejected, with the SrError code decodePhoto gives for each.
 * `missing` is a path that is deliberately not created.
 */
export const BROKEN_FILE_CODES = {
  missing: 'NOT_FOUND',
  empty: 'EMPTY_FILE',
  randomBytes: 'NOT_AN_IMAGE',
  text: 'NOT_AN_IMAGE',
  truncatedJpeg: 'CORRUPT_IMAGE',
  halfJpegWithEoi: 'CORRUPT_IMAGE',
  overwrittenJpeg: 'CORRUPT_IMAGE',
  truncatedTiff: 'CORRUPT_IMAGE',
  badCrcPng: 'CORRUPT_IMAGE',
  hugePng: 'TOO_LARGE',
} as const satisfies Record<string, ErrorCode>;

export type BrokenFile = keyof typeof BROKEN_FILE_CODES;

/** Valid but unusual files that must decode (see each entry for what is special). */
export type UnusualFile =
  | 'tinyPng' // 1×1
  | 'cmykJpeg' // CMYK JPEG of (200,100,50)
  | 'png16' // 16-bit RGB PNG of (200,100,50)
  | 'grayPng' // 1-channel PNG
  | 'rgbaPng' // RGBA photo, alpha varies left→right
  | 'animatedGif' // 2 frames: red then blue, 16×12 each
  | 'webp'
  | 'avif'
  | 'tiff'
  | 'orientation6Jpeg' // stored 48×32 with a red 8×8 top-left block; EXIF Make/Model, orientation 6
  | 'strayBytesJpeg' // the photo JPEG with 3 stray bytes before its frame header: libjpeg warns, pixels are intact
  | 'p3Jpeg'; // Display-P3 ICC profile + EXIF + XMP (see XMP_MARKER)

export const XMP_MARKER = 'srstudio-xmp-marker-7f3a';
export const CAMERA_MODEL = 'SRS TestCam 9';
export const TEST_COLOUR = { r: 200, g: 100, b: 50 } as const;
/** Width×height the huge PNG's header claims (its CRC is valid; the pixel data is not there). */
export const HUGE_SIZE = 50_000;

export const FILE_NAMES: Record<BrokenFile | UnusualFile, string> = {
  missing: 'missing.jpg',
  empty: 'empty.jpg',
  randomBytes: 'random-bytes.jpg',
  text: 'notes.png',
  truncatedJpeg: 'truncated.jpg',
  halfJpegWithEoi: 'half-with-eoi.jpg',
  overwrittenJpeg: 'overwritten.jpg',
  truncatedTiff: 'truncated.tiff',
  badCrcPng: 'bad-crc.png',
  hugePng: 'huge-header.png',
  tinyPng: 'tiny-1x1.png',
  cmykJpeg: 'cmyk.jpg',
  png16: 'sixteen-bit.png',
  grayPng: 'gray.png',
  rgbaPng: 'rgba.png',
  animatedGif: 'animated.gif',
  webp: 'photo.webp',
  avif: 'photo.avif',
  tiff: 'photo.tiff',
  orientation6Jpeg: 'orientation-6.jpg',
  strayBytesJpeg: 'stray-bytes.jpg',
  p3Jpeg: 'display-p3.jpg',
};

export const XMP_PACKET =
  '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:source>${XMP_MARKER}</dc:source></rdf:Description>` +
  '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

/**
 * Writes every broken and unusual file into `dir` and returns name → absolute path (the `missing` path
 * is returned but not created). Async because the encoders are sharp's. About 100 ms.
 */
export async function writeBadFiles(dir: string): Promise<Record<BrokenFile | UnusualFile, string>> {
  const paths = Object.fromEntries(Object.entries(FILE_NAMES).map(([key, name]) => [key, join(dir, name)])) as Record<
    BrokenFile | UnusualFile,
    string
  >;
  const photo = makePhoto({ width: 64, height: 48, seed: 7 });
  const solid = { width: 8, height: 6, channels: 3 as const, background: TEST_COLOUR };
  const random = seededRandom(99);

  writeFileSync(paths.empty, new Uint8Array(0));
  writeFileSync(
    paths.randomBytes,
    Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)),
  );
  writeFileSync(paths.text, 'These are notes, not a picture.\n');
  const jpeg = await rawSharp(photo).jpeg({ quality: 90 }).toBuffer();
  writeFileSync(paths.truncatedJpeg, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  // Cut in half but closed with an EOI marker: libjpeg only warns, and paints the missing half grey.
  writeFileSync(paths.halfJpegWithEoi, Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 2)), Buffer.from([0xff, 0xd9])]));
  writeFileSync(paths.overwrittenJpeg, await overwrittenJpeg());
  // libvips writes a TIFF's directory after the pixels, so a cut-off file has no readable header at all.
  const tiff = await rawSharp(photo).tiff({ compression: 'lzw' }).toBuffer();
  writeFileSync(paths.truncatedTiff, tiff.subarray(0, Math.floor(tiff.length * 0.6)));
  writeFileSync(paths.strayBytesJpeg, withStrayBytesBeforeFrame(jpeg));
  writeFileSync(paths.badCrcPng, corruptIdatCrc(await rawSharp(photo).png().toBuffer()));
  writeFileSync(paths.hugePng, hugeHeaderPng(HUGE_SIZE, HUGE_SIZE));

  writeFileSync(
    paths.tinyPng,
    await sharp({ create: { ...solid, width: 1, height: 1 } })
      .png()
      .toBuffer(),
  );
  writeFileSync(paths.cmykJpeg, await sharp({ create: solid }).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer());
  writeFileSync(paths.png16, await sharp({ create: solid }).toColourspace('rgb16').png().toBuffer());
  writeFileSync(paths.grayPng, await rawSharp(photo).toColourspace('b-w').png().toBuffer());
  writeFileSync(
    paths.rgbaPng,
    await rawSharp(makePhoto({ width: 40, height: 30, seed: 3, alpha: true }))
      .png()
      .toBuffer(),
  );
  writeFileSync(paths.animatedGif, await twoFrameGif());
  writeFileSync(paths.webp, await rawSharp(photo).webp({ quality: 90 }).toBuffer());
  writeFileSync(paths.avif, await rawSharp(photo).avif({ quality: 70, effort: 0 }).toBuffer());
  writeFileSync(paths.tiff, await rawSharp(photo).tiff({ compression: 'lzw' }).toBuffer());
  writeFileSync(paths.orientation6Jpeg, await orientation6Jpeg());
  writeFileSync(
    paths.p3Jpeg,
    await rawSharp(photo)
      .withIccProfile('p3')
      .withExif({ IFD0: { Make: 'SRS', Model: CAMERA_MODEL } })
      .withXmp(XMP_PACKET)
      .jpeg({ quality: 92 })
      .toBuffer(),
  );
  return paths;
}

/**
 * A 240×160 JPEG with 200 bytes in the middle of its scan data overwritten. The pattern holds 0xFF bytes, so libjpeg
 * meets a marker mid-scan ("premature end of data segment"); bytes without one would decode as plausible garbage.
 */
async function overwrittenJpeg(): Promise<Buffer> {
  const out = Buffer.from(
    await rawSharp(makePhoto({ width: 240, height: 160, seed: 21 }))
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
  const middle = Math.floor(out.length / 2);
  for (let i = 0; i < 200; i++) out[middle + i] = (i * 73) & 0xff;
  return out;
}

/** Three bytes between two header segments, as some cameras and editors write: "3 extraneous bytes before marker 0xc0". */
function withStrayBytesBeforeFrame(jpeg: Buffer): Buffer {
  const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  if (frame < 0) throw new Error('no baseline frame header (SOF0) in the test JPEG');
  return Buffer.concat([jpeg.subarray(0, frame), Buffer.from([1, 2, 3]), jpeg.subarray(frame)]);
}

/** Stored 48 wide × 32 high, red 8×8 block at the stored top-left; displayed upright it is 32×48 with red top-right. */
async function orientation6Jpeg(): Promise<Buffer> {
  const image = makePhoto({ width: 48, height: 32, seed: 11, noise: 0 });
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) image.data.set([255, 0, 0], (y * 48 + x) * 3);
  }
  return rawSharp(image)
    .withExif({ IFD0: { Make: 'SRS', Model: CAMERA_MODEL } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function twoFrameGif(): Promise<Buffer> {
  const width = 16;
  const height = 12;
  const frames = new Uint8Array(width * height * 2 * 3);
  for (let i = 0; i < width * height * 2; i++) frames.set(i < width * height ? [255, 0, 0] : [0, 0, 255], i * 3);
  return sharp(frames, { raw: { width, height: height * 2, channels: 3, pageHeight: height } })
    .gif({ delay: [100, 100] })
    .toBuffer();
}

/** Flips the IDAT chunk's stored CRC so libpng rejects it. */
function corruptIdatCrc(png: Buffer): Buffer {
  const out = Buffer.from(png);
  const idat = out.indexOf('IDAT');
  const length = out.readUInt32BE(idat - 4);
  const crcAt = idat + 4 + length;
  out[crcAt] ^= 0xff;
  return out;
}

/** A PNG whose IHDR (with a correct CRC) claims width×height RGB, followed by a token IDAT and IEND. */
function hugeHeaderPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const idat = deflateSync(Buffer.alloc(1 + width * 3 * 2)); // two zero rows: far short of the claim
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
