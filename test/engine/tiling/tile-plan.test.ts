import { describe, expect, it } from 'vitest';
import { planTiles } from '../../../src/engine/tiling/tile-plan.ts';

describe('planTiles', () => {
  const cases = [
    { width: 101, height: 67, tile: 17, halo: 3, crop: 0 },
    { width: 101, height: 67, tile: 40, halo: 0, crop: 3 },
    { width: 20, height: 300, tile: 64, halo: 8, crop: 8 },
    { width: 5, height: 5, tile: 256, halo: 8, crop: 0 },
  ];
  for (const c of cases) {
    it(`${c.width}×${c.height}, tile ${c.tile}, halo ${c.halo}, crop ${c.crop}: cores partition the image, windows are equal and cover core+halo`, () => {
      const plan = planTiles(c);
      const covered = new Uint8Array(c.width * c.height);
      for (const t of plan.tiles) {
        for (const [span, size, window] of [
          [t.x, c.width, plan.windowWidth],
          [t.y, c.height, plan.windowHeight],
        ] as const) {
          expect(span.end - span.start).toBeLessThanOrEqual(c.tile);
          // The window stays within the image padded by the crop.
          expect(span.windowStart).toBeGreaterThanOrEqual(-c.crop);
          expect(span.windowStart + window).toBeLessThanOrEqual(size + c.crop);
          // Each side has halo+crop of context, unless the window edge is the (padded) image edge.
          const left = span.start - span.windowStart;
          const right = span.windowStart + window - span.end;
          expect(left >= c.halo + c.crop || span.windowStart === -c.crop).toBe(true);
          expect(right >= c.halo + c.crop || span.windowStart + window === size + c.crop).toBe(true);
        }
        for (let y = t.y.start; y < t.y.end; y++) for (let x = t.x.start; x < t.x.end; x++) covered[y * c.width + x]++;
      }
      expect(covered.every((v) => v === 1)).toBe(true);
    });
  }

  it('splits evenly so the last tile is not a sliver', () => {
    const plan = planTiles({ width: 257, height: 10, tile: 256, halo: 0, crop: 0 });
    const widths = plan.tiles.map((t) => t.x.end - t.x.start);
    expect(widths).toEqual([128, 129]);
  });
});
