import { ycbcrToRgb } from '../imaging/colour.ts';
import type { Plane } from '../imaging/image.ts';
import type { TileSink } from '../tiling/run-tiled.ts';
import { bandCache, type ValueMap } from './tile-sources.ts';

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * Y models: the model gives Y; Cb and Cr are MATLAB-bicubic upsampled one full-width band of tile rows at a time, then the three
 * are converted to RGB straight into the 8-bit output (no full-resolution float planes). The three core planes are scratch
 * buffers reused for every core (allocating them per core made the sink cost as much as a third of the model's time).
 */
export function ySink(cb: Plane, cr: Plane, out: Uint8Array, outW: number, outH: number, range: ValueMap): TileSink {
  const bands = bandCache([cb, cr], outW, outH, false);
  const gain = 255 / (range.hi - range.lo);
  const lo = range.lo;
  let scratch = { y: new Float32Array(0), cb: new Float32Array(0), cr: new Float32Array(0) };
  return {
    write(core) {
      const { width, height, data, rowStride } = core;
      const n = width * height;
      if (scratch.y.length < n) scratch = { y: new Float32Array(n), cb: new Float32Array(n), cr: new Float32Array(n) };
      const y = scratch.y.subarray(0, n);
      const cbCore = scratch.cb.subarray(0, n);
      const crCore = scratch.cr.subarray(0, n);
      const [cbBand, crBand] = bands(core.y, height);
      for (let j = 0; j < height; j++) {
        const o = j * width;
        const p = core.offset + j * rowStride;
        for (let i = 0; i < width; i++) y[o + i] = (data[p + i] - lo) * gain;
        const b = j * outW + core.x;
        cbCore.set(cbBand.subarray(b, b + width), o);
        crCore.set(crBand.subarray(b, b + width), o);
      }
      const rgb = ycbcrToRgb({
        y: { width, height, data: y },
        cb: { width, height, data: cbCore },
        cr: { width, height, data: crCore },
      }).data;
      if (width === outW) out.set(rgb, core.y * outW * 3);
      else for (let j = 0; j < height; j++) out.set(rgb.subarray(j * width * 3, (j + 1) * width * 3), ((core.y + j) * outW + core.x) * 3);
    },
  };
}

/** RGB models: three output channels, rounded and clipped into the 8-bit output. */
export function rgbSink(out: Uint8Array, outW: number, range: ValueMap): TileSink {
  const gain = 255 / (range.hi - range.lo);
  return {
    write(core) {
      for (let c = 0; c < 3; c++) {
        for (let j = 0; j < core.height; j++) {
          let p = core.offset + c * core.planeStride + j * core.rowStride;
          let o = ((core.y + j) * outW + core.x) * 3 + c;
          for (let i = 0; i < core.width; i++, o += 3) out[o] = toByte((core.data[p++] - range.lo) * gain);
        }
      }
    },
  };
}
