import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBuffer, decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

// libjpeg only warns about scan data that is cut short or overwritten, then paints the rest grey; these files must be
// refused, while a file with a harmless warning (stray bytes between segments) still decodes to its true pixels.

const fixture = useBadFiles('srs-decode-damage-');

describe('decodePhoto on JPEGs with damaged scan data', () => {
  for (const name of ['halfJpegWithEoi', 'overwrittenJpeg'] as const) {
    it(`${name} is CORRUPT_IMAGE saying part of the data is missing, not a half-grey photo`, async () => {
      const error = await caughtSrError(decodePhoto(fixture.files[name]));
      expect(error.code).toBe('CORRUPT_IMAGE');
      expect(error.path).toBe(fixture.files[name]);
      expect(error.message).toContain(fixture.files[name]);
      expect(error.message).toContain('premature end of data segment');
      expect(error.message).not.toContain('Vips');
      expect(error.hint).toMatch(/re-export or re-download/i);
    });
  }

  it('refuses the same bytes given as a buffer, by their label', async () => {
    const error = await caughtSrError(decodeBuffer(readFileSync(fixture.files.halfJpegWithEoi), 'upload #7'));
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toContain('upload #7');
  });
});

describe('damaged and harmless JPEGs decoded side by side (a pipelined batch)', () => {
  it('every damaged one is still refused and every harmless one still decodes, though libvips shares its warnings', async () => {
    // libvips' warning and error queues are process-wide. Before decode.ts decoded one file at a time and tried a strict
    // decode again when its warning text was gone, 96 decodes at once gave harmless files their neighbours' damage
    // and damaged files sharp's bare "Warning treated as error", and so a half-grey photo as if it were fine. Encodes
    // run beside them, as in a batch: each one finishing takes whatever warnings are queued.
    const damaged = readFileSync(fixture.files.halfJpegWithEoi);
    const harmless = readFileSync(fixture.files.strayBytesJpeg);
    const encodes = Array.from({ length: 48 }, (_, i) =>
      sharp({ create: { width: 256, height: 256, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 + i } } })
        .png()
        .toBuffer(),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 96 }, (_, i) => {
        const [bytes, label] = i % 2 === 0 ? [damaged, `damaged #${i}`] : [harmless, `harmless #${i}`];
        return decodeBuffer(bytes, label).then(
          () => `${label}: decoded`,
          (error: unknown) => `${label}: ${(error as { code?: string }).code}`,
        );
      }),
    );
    await Promise.all(encodes);
    const expected = Array.from({ length: 96 }, (_, i) => (i % 2 === 0 ? `damaged #${i}: CORRUPT_IMAGE` : `harmless #${i}: decoded`));
    expect(outcomes).toEqual(expected);
  });
});

describe('decodePhoto on JPEGs with harmless libjpeg warnings', () => {
  it('stray bytes before a marker decode to the same pixels as the file without them', async () => {
    const stray = readFileSync(fixture.files.strayBytesJpeg);
    const frame = stray.indexOf(Buffer.from([0xff, 0xc0]));
    const clean = Buffer.concat([stray.subarray(0, frame - 3), stray.subarray(frame)]);
    const fromStray = await decodePhoto(fixture.files.strayBytesJpeg);
    const fromClean = await decodeBuffer(clean, 'clean');
    expect({ width: fromStray.image.width, height: fromStray.image.height }).toEqual({ width: 64, height: 48 });
    expect(Buffer.from(fromStray.image.data).equals(Buffer.from(fromClean.image.data))).toBe(true);
  });
});
