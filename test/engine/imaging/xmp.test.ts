import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { encodePhoto, type OutputFormat } from '../../../src/engine/imaging/encode.ts';
import { readOrientation } from '../../../src/engine/imaging/exif.ts';
import { withXmpDimensions, withXmpOrientation, xmpText } from '../../../src/engine/imaging/xmp.ts';
import { CAMERA_MODEL } from '../../helpers/imaging-bad-files.ts';
import { makePhoto, rawSharp } from '../../helpers/imaging-photo.ts';

const TIFF_NS = 'http://ns.adobe.com/tiff/1.0/';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** A packet as camera software writes it: tiff:Orientation as an element, or as an attribute of rdf:Description. */
function packet(form: 'element' | 'attribute', orientation: number, prefix = 'tiff'): string {
  const description =
    form === 'element'
      ? `<rdf:Description rdf:about="" xmlns:${prefix}="${TIFF_NS}">\n  <${prefix}:Orientation>${orientation}</${prefix}:Orientation>\n  <${prefix}:Model>${CAMERA_MODEL}</${prefix}:Model>\n </rdf:Description>`
      : `<rdf:Description rdf:about=""\n  xmlns:${prefix}='${TIFF_NS}'\n  ${prefix}:Orientation='${orientation}'\n  ${prefix}:Model='${CAMERA_MODEL}'/>`;
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="${RDF_NS}">\n ${description}\n</rdf:RDF></x:xmpmeta>\n` +
    `${' '.repeat(200)}\n<?xpacket end="w"?>`
  );
}

describe('withXmpOrientation', () => {
  for (const form of ['element', 'attribute'] as const) {
    it(`${form} form: the orientation becomes 1 and every other byte stays`, () => {
      const before = packet(form, 6);
      const after = withXmpOrientation(before, 1);
      expect(after).toBe(packet(form, 1));
      expect(after.length).toBe(before.length);
    });
  }

  it('withXmpDimensions sets exif:PixelXDimension and PixelYDimension in either form, and nothing else', () => {
    const exifNs = 'http://ns.adobe.com/exif/1.0/';
    const element = (w: number, h: number) =>
      `<rdf:Description xmlns:exif="${exifNs}">\n <exif:PixelXDimension>${w}</exif:PixelXDimension>\n <exif:PixelYDimension>${h}</exif:PixelYDimension>\n <exif:ExposureProgram>2</exif:ExposureProgram>\n</rdf:Description>`;
    expect(withXmpDimensions(element(48, 32), 64, 96)).toBe(element(64, 96));
    const attribute = (w: number, h: number) =>
      `<rdf:Description xmlns:exif='${exifNs}' exif:PixelXDimension='${w}' exif:PixelYDimension='${h}' exif:ExposureProgram='2'/>`;
    expect(withXmpDimensions(attribute(48, 32), 6000, 4000)).toBe(attribute(6000, 4000));
    expect(withXmpDimensions(packet('element', 6), 64, 96)).toBe(packet('element', 6));
  });

  it('finds the TIFF namespace under another prefix', () => {
    expect(withXmpOrientation(packet('element', 8, 'tf'), 1)).toBe(packet('element', 1, 'tf'));
    expect(withXmpOrientation(packet('attribute', 3, 'tf'), 1)).toBe(packet('attribute', 1, 'tf'));
  });

  it('leaves alone what only looks like it: other namespaces, longer names, a packet without TIFF properties', () => {
    const other = packet('element', 6).replace(TIFF_NS, 'http://example.com/not-tiff/');
    expect(withXmpOrientation(other, 1)).toBe(other);
    const longer = packet('attribute', 6).replace("tiff:Orientation='6'", "tiff:OrientationNote='6'");
    expect(withXmpOrientation(longer, 1)).toBe(longer);
    const plain = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:source>Orientation>6</dc:source></x:xmpmeta>';
    expect(withXmpOrientation(plain, 1)).toBe(plain);
  });

  it('xmpText drops a packet that is not UTF-8', () => {
    expect(xmpText(Uint8Array.of(0x3c, 0xff, 0xfe, 0x3e))).toBeUndefined();
    expect(xmpText(new TextEncoder().encode(packet('element', 6)))).toBe(packet('element', 6));
  });
});

describe('encodePhoto resets the XMP orientation of pixels it turned upright', () => {
  const FORMATS: OutputFormat[] = ['png', 'jpeg', 'webp', 'avif', 'tiff'];
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'srs-xmp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A 48×32 JPEG stored sideways: EXIF orientation `exif` (none when undefined) and the given XMP packet. */
  async function sideways(name: string, xmp: string, exif: number | undefined): Promise<string> {
    let pipeline = rawSharp(makePhoto({ width: 48, height: 32, seed: 4 })).withXmp(xmp);
    if (exif !== undefined) pipeline = pipeline.withExif({ IFD0: { Model: CAMERA_MODEL } }).withMetadata({ orientation: exif });
    const path = join(dir, name);
    writeFileSync(path, await pipeline.jpeg({ quality: 90 }).toBuffer());
    return path;
  }

  for (const form of ['element', 'attribute'] as const) {
    it(`EXIF and XMP orientation 6 (${form} form): written upright, both say 1, the rest of the packet is kept`, async () => {
      const source = await decodePhoto(await sideways(`both-${form}.jpg`, packet(form, 6), 6));
      expect([source.image.width, source.image.height]).toEqual([32, 48]);
      for (const format of FORMATS) {
        const out = join(dir, `both-${form}.${format}`);
        await encodePhoto(source.image, source.metadata, out, { format });
        const meta = await sharp(out).metadata();
        expect({ format, orientation: meta.orientation ?? 1 }).toEqual({ format, orientation: 1 });
        if (meta.exif) expect(readOrientation(meta.exif)).toBe(1);
        expect({ format, xmp: meta.xmp?.toString('utf8') }).toEqual({ format, xmp: packet(form, 1) });
      }
    });
  }

  it('XMP pixel dimensions become the size written, in every format', async () => {
    const exifNs = 'http://ns.adobe.com/exif/1.0/';
    const sized = (w: number, h: number) =>
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="${RDF_NS}"><rdf:Description rdf:about="" xmlns:exif="${exifNs}" exif:PixelXDimension="${w}" exif:PixelYDimension="${h}"/></rdf:RDF></x:xmpmeta>`;
    const source = await decodePhoto(await sideways('sized.jpg', sized(48, 32), 6));
    const upscaled = makePhoto({ width: 64, height: 96, seed: 5 });
    for (const format of FORMATS) {
      const out = join(dir, `sized.${format}`);
      await encodePhoto(upscaled, source.metadata, out, { format });
      expect({ format, xmp: (await sharp(out).metadata()).xmp?.toString('utf8') }).toEqual({ format, xmp: sized(64, 96) });
    }
  });

  it('an XMP orientation without an EXIF one is kept: the decoder did not turn those pixels', async () => {
    const source = await decodePhoto(await sideways('xmp-only.jpg', packet('element', 6), undefined));
    expect([source.image.width, source.image.height]).toEqual([48, 32]);
    const out = join(dir, 'xmp-only.png');
    await encodePhoto(source.image, source.metadata, out, { format: 'png' });
    expect((await sharp(out).metadata()).xmp?.toString('utf8')).toBe(packet('element', 6));
  });
});
