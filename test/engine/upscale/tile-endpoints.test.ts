import { describe, expect, it } from 'vitest';
import { rgbToYcbcr } from '../../../src/engine/imaging/colour.ts';
import { imresize } from '../../../src/engine/imaging/matlab-resize.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { planTiles } from '../../../src/engine/tiling/tile-plan.ts';
import { passEndpoints } from '../../../src/engine/upscale/model-pass.ts';
import type { ModelMeta } from '../../../src/shared/model-meta.ts';
import { photoLikeImage } from '../../helpers/models-photo.ts';

/** MATLAB uint8(): round half up, clip. */
function uint8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function yModel(scale: number, valueRange: [number, number]): LoadedModel {
  const meta: ModelMeta = {
    id: `endpoints-x${scale}`,
    name: 'endpoints',
    architecture: 'srcnn-9-1-5',
    scale,
    colorMode: 'y',
    inputKind: 'upsampled',
    valueRange,
    halo: 6,
    provenance: 'test',
    scores: {},
  };
  return { meta, path: '/nonexistent.onnx', source: 'file' };
}

/**
 * The tile source and sink of a Y 'upsampled' model against the whole-photo computation written out plainly:
 * model input = uint8(bicubic Y) in the model's range, and (with an identity "model") output = MATLAB ycbcr2rgb of
 * that Y with bicubic Cb and Cr. Exact equality: tiling, band reuse and the fused conversion must change no bit.
 */
describe('Y upsampled-model tile endpoints', () => {
  for (const [scale, valueRange, tile] of [
    [2, [0, 1], 17],
    [3, [-1, 1], 40],
    [2, [0, 1], 500],
  ] as [number, [number, number], number][]) {
    it(`×${scale}, range [${valueRange}], ${tile}-pixel tiles: windows and output equal the whole-photo computation`, () => {
      const image = photoLikeImage(41, 27);
      const outW = image.width * scale;
      const outH = image.height * scale;
      const [lo, hi] = valueRange;
      const { y, cb, cr } = rgbToYcbcr(image);
      const modelIn = Float32Array.from(imresize(y, outW, outH).data, (v) => lo + ((hi - lo) / 255) * uint8(v));
      const cbUp = imresize(cb, outW, outH).data;
      const crUp = imresize(cr, outW, outH).data;
      const expected = new Uint8Array(outW * outH * 3);
      for (let i = 0; i < outW * outH; i++) {
        const yy = (255 / 219) * (Math.fround((modelIn[i] - lo) * (255 / (hi - lo))) - 16);
        const u = cbUp[i] - 128;
        const v = crUp[i] - 128;
        expected[3 * i] = uint8(yy + (255 / 224) * 1.402 * v);
        expected[3 * i + 1] = uint8(yy + (-255 / 224) * 1.772 * (0.114 / 0.587) * u + (-255 / 224) * 1.402 * (0.299 / 0.587) * v);
        expected[3 * i + 2] = uint8(yy + (255 / 224) * 1.772 * u);
      }

      const out = new Uint8Array(outW * outH * 3);
      const { source, sink } = passEndpoints(image, yModel(scale, valueRange), out, outW, outH);
      const plan = planTiles({ width: outW, height: outH, tile, halo: 6, crop: 0 });
      const { windowWidth: ww, windowHeight: wh } = plan;
      const window = new Float32Array(ww * wh + 5);
      let windowMismatches = 0;
      for (const t of plan.tiles) {
        source.fillWindow(t.x.windowStart, t.y.windowStart, ww, wh, window, 5);
        for (let j = 0; j < wh; j++) {
          for (let i = 0; i < ww; i++) {
            // Pixels past the photo repeat its border.
            const sx = Math.min(outW - 1, Math.max(0, t.x.windowStart + i));
            const sy = Math.min(outH - 1, Math.max(0, t.y.windowStart + j));
            if (window[5 + j * ww + i] !== modelIn[sy * outW + sx]) windowMismatches++;
          }
        }
        // Identity model: the output is the window itself.
        sink.write({
          x: t.x.start,
          y: t.y.start,
          width: t.x.end - t.x.start,
          height: t.y.end - t.y.start,
          data: window,
          offset: 5 + (t.y.start - t.y.windowStart) * ww + (t.x.start - t.x.windowStart),
          rowStride: ww,
          planeStride: ww * wh,
        });
      }
      expect(plan.tiles.length).toBeGreaterThan(tile < 100 ? 4 : 0);
      expect(windowMismatches).toBe(0);
      const firstMismatch = out.findIndex((v, i) => v !== expected[i]);
      expect(firstMismatch).toBe(-1);
    });
  }
});
