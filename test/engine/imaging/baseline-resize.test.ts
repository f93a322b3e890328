import { describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { type BaselineKernel, resizeBaseline } from '../../../src/engine/imaging/baseline-resize.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
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

  it("enlarges on the models' grid: output pixel x samples input (x + 0.5)/s − 0.5, as imresize does", async () => {
    // A ramp 20 + 4·x along x: every kernel reproduces it, so the value read back is where the pixel sampled.
    const width = 40;
    const ramp = new Uint8Array(width * 8 * 3);
    for (let p = 0; p < width * 8; p++) ramp.fill(20 + 4 * (p % width), p * 3, p * 3 + 3);
    for (const kernel of ['bilinear', 'bicubic', 'lanczos3'] as const) {
      for (const s of [2, 3, 4]) {
        const out = await resizeBaseline({ width, height: 8, channels: 3, data: ramp }, width * s, 8 * s, kernel);
        const row = 4 * s * out.width;
        for (let x = 8 * s; x < (width - 8) * s; x++) {
          const sampled = (out.data[(row + x) * 3] - 20) / 4;
          expect(Math.abs(sampled - ((x + 0.5) / s - 0.5))).toBeLessThanOrEqual(0.125);
        }
      }
    }
  });

  it('lanczos3 enlarges with the Lanczos kernel, not bicubic: an impulse rings out to its second lobe', async () => {
    // One bright column on grey, ×2. Output column x samples u = (x + 0.5)/2 − 0.5; its weight on the impulse at
    // column 10 is K(u − 10) over the sum of K at its taps (imresize's normalisation).
    const lanczos = (t: number) =>
      t === 0 ? 1 : Math.abs(t) >= 3 ? 0 : (3 * Math.sin(Math.PI * t) * Math.sin((Math.PI * t) / 3)) / (Math.PI * Math.PI * t * t);
    const keys = (t: number) => {
      const a = Math.abs(t);
      return a <= 1 ? 1.5 * a ** 3 - 2.5 * a ** 2 + 1 : a < 2 ? -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2 : 0;
    };
    const impulse = new Uint8Array(21 * 4 * 3).fill(100);
    for (let y = 0; y < 4; y++) impulse.fill(200, (y * 21 + 10) * 3, (y * 21 + 10) * 3 + 3);
    const image: RgbImage = { width: 21, height: 4, channels: 3, data: impulse };
    for (const [kernel, k] of [
      ['lanczos3', lanczos],
      ['bicubic', keys],
    ] as const) {
      const out = await resizeBaseline(image, 42, 8, kernel);
      for (let x = 12; x < 30; x++) {
        const u = (x + 0.5) / 2 - 0.5;
        let sum = 0;
        for (let j = Math.floor(u) - 3; j <= Math.floor(u) + 4; j++) sum += k(u - j);
        const expected = 100 + (100 * k(u - 10)) / sum;
        expect(Math.abs(out.data[(3 * 42 + x) * 3] - expected)).toBeLessThanOrEqual(0.5 + 1e-9);
      }
    }
    const lanczos3 = await resizeBaseline(image, 42, 8, 'lanczos3');
    // 2.25 input pixels out (output column 25): Lanczos' second lobe lifts it to 103; bicubic reaches no further than 2.
    expect(lanczos3.data[(3 * 42 + 25) * 3]).toBe(103);
  });

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
