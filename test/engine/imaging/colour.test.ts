import { describe, expect, it } from 'vitest';
import { rgbToYcbcr, toByte, ycbcrToRgb, ycbcrToRgbRow } from '../../../src/engine/imaging/colour.ts';
import { prng } from '../../helpers/eval-fixtures.ts';
import { photoLikeImage } from '../../helpers/models-photo.ts';

/** The definition toByte must keep: MATLAB uint8() of a double (round half up, clip). */
function matlabUint8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

describe('toByte', () => {
  it('equals round-half-up-and-clip for every tricky double and a million random ones', () => {
    const tricky = [
      -1e9,
      -0.5,
      -0,
      0,
      Number.MIN_VALUE,
      0.25,
      0.5 - 2 ** -54,
      0.5 - 2 ** -53,
      0.5,
      0.5 + 2 ** -53,
      1.5,
      2.5,
      2.5 - 2 ** -51,
      127.5,
      253.5,
      254.49999999999997,
      254.5,
      254.9999,
      255,
      255.5,
      1e9,
    ];
    for (let k = 0; k <= 255; k++) tricky.push(k - 0.5, k + 0.5, k, Math.fround(k + 0.5), k + 0.5 - 2 ** -44, k + 0.5 + 2 ** -44);
    for (const v of tricky) expect(toByte(v), `toByte(${v})`).toBe(matlabUint8(v));
    const next = prng(11);
    let mismatches = 0;
    for (let k = 0; k < 1_000_000; k++) {
      const v = ((next() >>> 0) / 2 ** 32) * 300 - 20;
      if (toByte(v) !== matlabUint8(v)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('maps NaN to 0, as uint8(NaN) does', () => {
    expect(toByte(Number.NaN)).toBe(0);
  });
});

describe('ycbcrToRgbRow', () => {
  it('converts a run of pixels at any offsets exactly as the whole-plane conversion does', () => {
    const image = photoLikeImage(23, 9);
    const { y, cb, cr } = rgbToYcbcr(image);
    const whole = ycbcrToRgb({ y, cb, cr }).data;
    // The round trip of 8-bit RGB through unrounded YCbCr gives the pixels back.
    expect(Array.from(whole)).toEqual(Array.from(image.data));
    // Row 4, columns 5..17, read from shifted Y and written into a larger buffer at an offset.
    const yShifted = new Float32Array(y.data.length + 7);
    yShifted.set(y.data, 7);
    const out = new Uint8Array(100).fill(77);
    const start = 4 * 23 + 5;
    ycbcrToRgbRow(yShifted, 7 + start, cb.data, cr.data, start, 13, out, 10);
    expect(Array.from(out.subarray(10, 10 + 39))).toEqual(Array.from(whole.subarray(start * 3, (start + 13) * 3)));
    expect(out[9]).toBe(77);
    expect(out[49]).toBe(77);
  });

  it('rounds half up and clips out-of-range colours', () => {
    // Y = 16 + 219·k/255 gives R = G = B = k before rounding; far-off Cr saturates R and G.
    const y = Float32Array.from([16, 235, 16 + (219 * 10.5) / 255, 16 + (219 * 100) / 255]);
    const cb = Float32Array.from([128, 128, 128, 128]);
    const cr = Float32Array.from([128, 128, 128, 255]);
    const out = new Uint8Array(12);
    ycbcrToRgbRow(y, 0, cb, cr, 0, 4, out, 0);
    expect(Array.from(out.subarray(0, 6))).toEqual([0, 0, 0, 255, 255, 255]);
    expect(out[6]).toBe(matlabUint8((255 / 219) * (Math.fround(16 + (219 * 10.5) / 255) - 16)));
    expect(out[9]).toBe(255);
    expect(out[10]).toBe(0);
  });
});
