import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degrade, interpolationMethod, modcrop } from '../../../src/engine/eval/protocol.ts';
import { runEval } from '../../../src/engine/eval/run-eval.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { fnv1a, photoLikeImage } from '../../helpers/eval-fixtures.ts';
import { makeTempDir, writePng } from '../../helpers/eval-folders.ts';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, x + y], (y * width + x) * 3);
  return { width, height, channels: 3, data };
}

describe('modcrop', () => {
  it('crops the bottom and right to multiples of the scale, keeping the top-left pixels', () => {
    const img = gradient(11, 7);
    const out = modcrop(img, 3);
    expect([out.width, out.height]).toEqual([9, 6]);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 0]);
    const last = ((6 - 1) * 9 + 8) * 3;
    expect(Array.from(out.data.subarray(last, last + 3))).toEqual([8, 5, 13]);
  });

  it('returns the image itself when it is already a multiple', () => {
    const img = gradient(12, 8);
    expect(modcrop(img, 4)).toBe(img);
  });
});

describe('degrade', () => {
  it('shrinks by exactly 1/scale to uint8 and keeps a flat image flat', () => {
    const flat: RgbImage = { width: 12, height: 9, channels: 3, data: new Uint8Array(12 * 9 * 3).fill(173) };
    const lr = degrade(flat, 3);
    expect([lr.width, lr.height, lr.channels]).toEqual([4, 3, 3]);
    expect(lr.data.every((v) => v === 173)).toBe(true);
  });

  it('refuses an image that was not modcropped', () => {
    expect(() => degrade(gradient(10, 9), 3)).toThrow(/not a multiple of the scale 3/);
  });
});

describe('interpolationMethod', () => {
  it('returns an image of the requested HR size, named after the kernel', async () => {
    const method = interpolationMethod('lanczos3');
    expect(method.name).toBe('lanczos3');
    const sr = await method.reconstruct(gradient(5, 4), 2, 10, 8);
    expect([sr.width, sr.height, sr.channels]).toEqual([10, 8, 3]);
  });
});

/**
 * The protocol check. Bicubic's scores on two generated photo-like images (test/helpers/eval-fixtures.ts:
 * photoLikeImage(153, 130, 1) and photoLikeImage(128, 141, 7)) were computed ONCE with the independent numpy
 * implementation test/reference/matlab_imresize.py (`raw FILE.rgb W H 3 SCALE` on the fixture's raw bytes):
 * modcrop, MATLAB bicubic ↓s then ↑s in float64, each rounded to uint8 (not between a resize's two passes), Y BT.601 rounded, shave s,
 * PSNR, Wang SSIM. The tolerance (0.001 dB, 0.0001) is far tighter than the ±0.02/±0.002 of the published
 * table: replicated borders instead of MATLAB's symmetric folding already move ×3 by 0.002 dB, rounding between
 * the two passes by 0.005–0.05 dB.
 */
const REFERENCE: Record<2 | 3 | 4, { psnr: [number, number]; ssim: [number, number] }> = {
  2: { psnr: [28.6314614989, 28.7012417055], ssim: [0.8122994238, 0.8109918653] },
  3: { psnr: [25.6969698214, 25.8945496456], ssim: [0.6003218995, 0.6134171923] },
  4: { psnr: [24.3974514069, 24.4796917659], ssim: [0.4485621255, 0.4551212356] },
};

describe('bicubic reproduces the reference implementation of the protocol', () => {
  let dir = '';
  let cleanup = () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = makeTempDir('protocol'));
    // The bytes the reference numbers were computed from. If this fails, the fixture generator changed:
    // recompute REFERENCE with the Python script rather than loosening the tolerance.
    expect([fnv1a(photoLikeImage(153, 130, 1).data), fnv1a(photoLikeImage(128, 141, 7).data)]).toEqual(['d2db226a', 'e5162929']);
    await writePng(path.join(dir, 'a.png'), photoLikeImage(153, 130, 1));
    await writePng(path.join(dir, 'b.png'), photoLikeImage(128, 141, 7));
  });
  afterAll(() => cleanup());

  for (const scale of [2, 3, 4] as const) {
    it(`×${scale}`, async () => {
      const result = await runEval({ dataDir: dir, scale, method: interpolationMethod('bicubic') });
      const ref = REFERENCE[scale];
      expect(result.images.map((r) => r.name)).toEqual(['a.png', 'b.png']);
      result.images.forEach((r, i) => {
        expect(Math.abs(r.psnr - ref.psnr[i]), `${r.name} PSNR ${r.psnr}`).toBeLessThan(0.001);
        expect(Math.abs(r.ssim - ref.ssim[i]), `${r.name} SSIM ${r.ssim}`).toBeLessThan(0.0001);
      });
      expect(result.mean.psnr).toBeCloseTo((ref.psnr[0] + ref.psnr[1]) / 2, 3);
      expect(result.mean.ssim).toBeCloseTo((ref.ssim[0] + ref.ssim[1]) / 2, 4);
    });
  }
});
