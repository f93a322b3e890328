import { readFileSync } from 'node:fs';
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
