import { describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { type BaselineKernel, resizeBaseline } from '../../../src/engine/imaging/sharp-resize.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';

const KERNELS: BaselineKernel[] = ['nearest', 'bilinear', 'bicubic', 'lanczos3'];

describe('resizeBaseline', () => {
  for (const kernel of KERNELS) {
    it(`${kernel}: exact target size for RGB and RGBA, up and down`, async () => {
      for (const alpha of [false, true]) {
        const image = makePhoto({ width: 30, height: 20, seed: 4, alpha });
        for (const [w, h] of [
          [90, 60],
          [47, 33],
          [10, 7],
        ]) {
          const out = await resizeBaseline(image, w, h, kernel);
          expect([out.width, out.height, out.channels]).toEqual([w, h, image.channels]);
          expect(out.data.length).toBe(w * h * image.channels);
        }
      }
    });
  }

  it('nearest replicates every pixel exactly at integer scales', async () => {
    for (const alpha of [false, true]) {
      const image = makePhoto({ width: 13, height: 9, seed: 8, alpha });
      const c = image.channels;
      for (const s of [2, 3, 4]) {
        const out = await resizeBaseline(image, image.width * s, image.height * s, 'nearest');
        let mismatches = 0;
        for (let y = 0; y < out.height; y++) {
          for (let x = 0; x < out.width; x++) {
            const src = (Math.floor(y / s) * image.width + Math.floor(x / s)) * c;
            const dst = (y * out.width + x) * c;
            for (let k = 0; k < c; k++) if (out.data[dst + k] !== image.data[src + k]) mismatches++;
          }
        }
        expect(mismatches).toBe(0);
      }
    }
  });

  it('smooth kernels interpolate (not nearest) and keep flat areas flat', async () => {
    const flat: RgbImage = { width: 8, height: 8, channels: 3, data: new Uint8Array(8 * 8 * 3).fill(120) };
    for (const kernel of ['bilinear', 'bicubic', 'lanczos3'] as const) {
      const out = await resizeBaseline(flat, 20, 20, kernel);
      expect(out.data.every((v) => v === 120)).toBe(true);
    }
    const ramp = makePhoto({ width: 16, height: 16, seed: 2, noise: 0 });
    const bilinear = await resizeBaseline(ramp, 32, 32, 'bilinear');
    const nearest = await resizeBaseline(ramp, 32, 32, 'nearest');
    expect(Buffer.from(bilinear.data).equals(Buffer.from(nearest.data))).toBe(false);
  });

  it('RGBA: transparent neighbours do not darken edge colours (alpha handled premultiplied)', async () => {
    // left half opaque red, right half fully transparent *black*: a naive filter would bleed black into the red edge
    const w = 8;
    const h = 4;
    const data = new Uint8Array(w * h * 4);
    for (let p = 0; p < w * h; p++) if (p % w < w / 2) data.set([255, 0, 0, 255], p * 4);
    for (const kernel of ['bilinear', 'bicubic', 'lanczos3'] as const) {
      const out = await resizeBaseline({ width: w, height: h, channels: 4, data }, 32, 16, kernel);
      let checked = 0;
      for (let i = 0; i < out.data.length; i += 4) {
        if (out.data[i + 3] < 32) continue;
        checked++;
        expect(out.data[i]).toBeGreaterThanOrEqual(240);
        expect(out.data[i + 1]).toBeLessThanOrEqual(10);
      }
      expect(checked).toBeGreaterThan(32 * 16 * 0.4);
    }
  });

  it('rejects bad sizes and unknown kernels with BAD_ARGUMENT', async () => {
    const image = makePhoto({ width: 4, height: 4 });
    for (const [w, h, kernel] of [
      [0, 4, 'nearest'],
      [4, 2.5, 'nearest'],
      [4, 4, 'sinc'],
    ] as const) {
      const error = await resizeBaseline(image, w, h, kernel as BaselineKernel).catch((e: unknown) => e);
      expect(isSrError(error) && error.code).toBe('BAD_ARGUMENT');
    }
  });
});
