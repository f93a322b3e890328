import { toByte, ycbcrToRgbRow } from '../imaging/colour.ts';
import type { Plane } from '../imaging/image.ts';
import type { TileSink } from '../tiling/run-tiled.ts';
import { bandCache, type ValueMap } from './tile-sources.ts';

/**
 * Y models: the model gives Y; Cb and Cr are MATLAB-bicubic upsampled one full-width band of tile rows at a time, then the three
 * are converted to RGB straight into the 8-bit output, one core row at a time (no full-resolution float planes, no per-core
 * planes or RGB copies). The model's Y row goes through a float32 scratch row on purpose: the conversion has always seen Y
 * as float32, and keeping that rounding keeps the output bit-identical.
 */
export function ySink(cb: Plane, cr: Plane, out: Uint8Array, outW: number, outH: number, range: ValueMap): TileSink {
  const bands = bandCache([cb, cr], outW, outH);
  const gain = 255 / (range.hi - range.lo);
  const lo = range.lo;
  let yRow = new Float32Array(0);
  return {
    write(core) {
      const { width, height, data, rowStride } = core;
      if (yRow.length < width) yRow = new Float32Array(width);
      const [cbBand, crBand] = bands(core.y, height);
      for (let j = 0; j < height; j++) {
        const p = core.offset + j * rowStride;
        for (let i = 0; i < width; i++) yRow[i] = (data[p + i] - lo) * gain;
        ycbcrToRgbRow(yRow, 0, cbBand, crBand, j * outW + core.x, width, out, ((core.y + j) * outW + core.x) * 3);
      }
    },
  };
}

/**
 * The photo graph (ycbcr-graph.ts): the batch holds the model's Y (in its value range) and the bicubic Cb and Cr
 * (0–255) as three planes; each core row goes straight to RGB, with Y through a float32 row as in ySink.
 */
export function ycbcrSink(out: Uint8Array, outW: number, range: ValueMap): TileSink {
  const gain = 255 / (range.hi - range.lo);
  const lo = range.lo;
  let yRow = new Float32Array(0);
  return {
    write(core) {
      const { width, height, data, rowStride, planeStride } = core;
      if (yRow.length < width) yRow = new Float32Array(width);
      const cb = data.subarray(planeStride);
      const cr = data.subarray(2 * planeStride);
      for (let j = 0; j < height; j++) {
        const p = core.offset + j * rowStride;
        for (let i = 0; i < width; i++) yRow[i] = (data[p + i] - lo) * gain;
        ycbcrToRgbRow(yRow, 0, cb, cr, p, width, out, ((core.y + j) * outW + core.x) * 3);
      }
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
