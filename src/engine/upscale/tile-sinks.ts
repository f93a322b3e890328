import { ycbcrToRgbRow } from '../imaging/colour.ts';
import { type Plane, type Samples, sampleMax } from '../imaging/image.ts';
import type { TileOutput, TileSink } from '../tiling/run-tiled.ts';
import { bandCache, type ValueMap } from './tile-sources.ts';

/**
 * Writes a core whose plane 0 is the model's Y (in its value range) as RGB rows of the output (8- or 16-bit), with Cb and Cr
 * read from `cb`/`cr` at `chromaAt(j)` for core row j. Y goes through a float32 scratch row on purpose: the
 * conversion has always seen Y as float32, and keeping that rounding keeps the output bit-identical.
 */
function yCoreWriter(out: Samples, outW: number, range: ValueMap) {
  const gain = 255 / (range.hi - range.lo);
  const lo = range.lo;
  let yRow = new Float32Array(0);
  return (core: TileOutput, cb: Float32Array, cr: Float32Array, chromaAt: (row: number) => number): void => {
    const { width, height, data, rowStride } = core;
    if (yRow.length < width) yRow = new Float32Array(width);
    for (let j = 0; j < height; j++) {
      const p = core.offset + j * rowStride;
      for (let i = 0; i < width; i++) yRow[i] = (data[p + i] - lo) * gain;
      ycbcrToRgbRow(yRow, 0, cb, cr, chromaAt(j), width, out, ((core.y + j) * outW + core.x) * 3);
    }
  };
}

/**
 * Y models: the model gives Y; Cb and Cr are MATLAB-bicubic upsampled one full-width band of tile rows at a time, then the three
 * are converted to RGB straight into the output, one core row at a time (no full-resolution float planes, no per-core
 * planes or RGB copies).
 */
export function ySink(cb: Plane, cr: Plane, out: Samples, outW: number, outH: number, range: ValueMap): TileSink {
  const bands = bandCache([cb, cr], outW, outH);
  const writeCore = yCoreWriter(out, outW, range);
  return {
    write(core) {
      const [cbBand, crBand] = bands(core.y, core.height);
      writeCore(core, cbBand, crBand, (j) => j * outW + core.x);
    },
  };
}

/**
 * The photo graph (ycbcr-graph.ts): the batch holds the model's Y (in its value range) and the bicubic Cb and Cr
 * (0–255) as three planes, so Cb and Cr sit one and two planes after each Y pixel.
 */
export function ycbcrSink(out: Samples, outW: number, range: ValueMap): TileSink {
  const writeCore = yCoreWriter(out, outW, range);
  return {
    write(core) {
      const { data, planeStride, offset, rowStride } = core;
      writeCore(core, data.subarray(planeStride), data.subarray(2 * planeStride), (j) => offset + j * rowStride);
    },
  };
}

/** RGB models: three output channels, rounded and clipped into the output (8- or 16-bit). */
export function rgbSink(out: Samples, outW: number, range: ValueMap): TileSink {
  // To 0–255, then ×257 for 16-bit samples; rounded half up and clipped as toByte (written out, as in ycbcrToRgbRow).
  const max = sampleMax(out);
  const gain = (255 / (range.hi - range.lo)) * (max / 255);
  return {
    write(core) {
      for (let c = 0; c < 3; c++) {
        for (let j = 0; j < core.height; j++) {
          let p = core.offset + c * core.planeStride + j * core.rowStride;
          let o = ((core.y + j) * outW + core.x) * 3 + c;
          for (let i = 0; i < core.width; i++, o += 3) {
            const v = (core.data[p++] - range.lo) * gain;
            out[o] = v < 0.5 ? 0 : v >= max ? max : (v + 0.5) | 0;
          }
        }
      }
    },
  };
}
