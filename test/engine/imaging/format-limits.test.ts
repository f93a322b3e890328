import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeToBuffer, type OutputFormat } from '../../../src/engine/imaging/encode.ts';
import { FORMAT_MAX_SIDE } from '../../../src/engine/imaging/format-limits.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

describe('output format size limits', () => {
  for (const format of ['webp', 'avif', 'jpeg'] as OutputFormat[]) {
    const max = FORMAT_MAX_SIDE[format] as number;

    it(`${format} encodes a ${max} pixel side, the largest its encoder takes`, async () => {
      const bytes = await encodeToBuffer(makePhoto({ width: max, height: 2 }), { format });
      expect(await sharp(bytes).metadata()).toMatchObject({ width: max, height: 2 });
    });

    it(`${format} refuses one pixel more with TOO_LARGE, not INTERNAL`, async () => {
      await expect(encodeToBuffer(makePhoto({ width: 2, height: max + 1 }), { format })).rejects.toMatchObject({
        code: 'TOO_LARGE',
        message: expect.stringContaining(`the output would be 2×${max + 1} pixels`),
      });
    });
  }
});
