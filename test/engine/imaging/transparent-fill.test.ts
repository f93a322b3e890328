import { describe, expect, it } from 'vitest';
import { dropAlpha } from '../../../src/engine/imaging/alpha-channel.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { rgbWithTransparentFilled } from '../../../src/engine/imaging/transparent-fill.ts';
import { seededRandom } from '../../../src/engine/seeded-random.ts';

/** An RGBA image whose pixel (x, y) is `at(x, y)`: [r, g, b, a]. */
function rgba(width: number, height: number, at: (x: number, y: number) => number[]): RgbImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4);
  return { width, height, channels: 4, data };
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * image.channels;
  return Array.from(image.data.subarray(i, i + 3));
}

/** Visible pixels (alpha > 0) of `source` keep their colour in `filled`. */
function visibleKept(source: RgbImage, filled: RgbImage): boolean {
  for (let y = 0; y < source.height; y++) {
    for (let x = 0; x < source.width; x++) {
      const i = (y * source.width + x) * 4;
      if (source.data[i + 3] > 0 && pixel(filled, x, y).join() !== Array.from(source.data.subarray(i, i + 3)).join()) return false;
    }
  }
  return true;
}

describe('rgbWithTransparentFilled', () => {
  it("gives a one-colour cutout's transparent surround that colour, whatever was stored there", () => {
    for (const [width, height] of [
      [40, 30],
      [37, 23],
    ]) {
      // Editors often keep black under alpha 0; a half-transparent rim stays as it is.
      const disc = rgba(width, height, (x, y) => {
        const r = Math.hypot(x - width / 2, y - height / 2);
        return r < 8 ? [230, 180, 40, 255] : r < 9 ? [230, 180, 40, 128] : [0, 0, 0, 0];
      });
      const filled = rgbWithTransparentFilled(disc);
      expect(filled.channels).toBe(3);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expect(pixel(filled, x, y)).toEqual([230, 180, 40]);
    }
  });

  it('fills each side of a transparent gap from the visible pixels nearest it, and keeps every visible pixel', () => {
    // Red on the left, blue on the right, 16 transparent black columns between them.
    const image = rgba(48, 16, (x) => (x < 16 ? [255, 0, 0, 255] : x >= 32 ? [0, 0, 255, 200] : [0, 0, 0, 0]));
    const filled = rgbWithTransparentFilled(image);
    expect(visibleKept(image, filled)).toBe(true);
    // Each transparent column takes the colour of the nearer side: 16–23 are nearer red (x 15), 24–31 blue (x 32).
    for (let y = 0; y < 16; y++) {
      for (let x = 16; x < 32; x++) expect(pixel(filled, x, y), `(${x}, ${y})`).toEqual(x < 24 ? [255, 0, 0] : [0, 0, 255]);
    }
  });

  it('takes, for scattered visible pixels, one at the nearest distance (within a pixel) for every transparent pixel', () => {
    // About 3 % visible pixels, each with its own colour (its index written into R and G), the rest transparent.
    const width = 61;
    const height = 47;
    const random = seededRandom(7);
    const visible = new Set<number>();
    while (visible.size < 90) visible.add(Math.floor(random() * width * height));
    const image = rgba(width, height, (x, y) => {
      const i = y * width + x;
      return visible.has(i) ? [i >> 8, i & 255, 1, 255] : [0, 0, 0, 0];
    });
    const filled = rgbWithTransparentFilled(image);
    expect(visibleKept(image, filled)).toBe(true);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [r, g, b] = pixel(filled, x, y);
        expect(b).toBe(1);
        const from = r * 256 + g;
        const took = Math.hypot((from % width) - x, Math.floor(from / width) - y);
        const best = Math.min(...[...visible].map((v) => Math.hypot((v % width) - x, Math.floor(v / width) - y)));
        expect(took - best).toBeLessThanOrEqual(1);
      }
    }
  });

  it('returns the RGB unchanged when no pixel is fully transparent, or none is visible', () => {
    const opaque = rgba(9, 7, (x, y) => [x * 20, y * 30, 99, 1 + x * y]);
    expect(rgbWithTransparentFilled(opaque)).toEqual(dropAlpha(opaque));
    const invisible = rgba(9, 7, (x) => [x, 0, 0, 0]);
    expect(rgbWithTransparentFilled(invisible)).toEqual(dropAlpha(invisible));
    const rgb: RgbImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(rgbWithTransparentFilled(rgb)).toEqual(rgb);
  });

  it('handles single rows, columns and odd sizes', () => {
    for (const [width, height] of [
      [1, 2],
      [2, 1],
      [1, 9],
      [5, 3],
    ]) {
      const image = rgba(width, height, (x, y) => (x === 0 && y === 0 ? [10, 200, 30, 255] : [0, 0, 0, 0]));
      const filled = rgbWithTransparentFilled(image);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expect(pixel(filled, x, y)).toEqual([10, 200, 30]);
    }
  });
});
