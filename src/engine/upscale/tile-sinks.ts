import { ycbcrToRgb } from '../imaging/colour.ts';
import type { Plane } from '../imaging/image.ts';
import type { TileOutput, TileSink } from '../tiling/run-tiled.ts';
import { bandCache, type ValueMap } from './tile-sources.ts';

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** Copies one channel of a tile's core, mapped back to 0–255. */
function corePlane(core: TileOutput, channel: number, range: ValueMap): Plane {
  const gain = 255 / (range.hi - range.lo);
  const data = new Float32Array(core.width * core.height);
  for (let j = 0, o = 0; j < core.height; j++) {
    let p = core.offset + channel * core.planeStride + j * core.rowStride;
    for (let i = 0; i < core.width; i++) data[o++] = (core.data[p++] - range.lo) * gain;
  }
  return { width: core.width, height: core.height, data };
}

/**
 * Y models: the model gives Y; Cb and Cr are MATLAB-bicubic upsampled one full-width band of tile rows at a time, then the three
 * are converted to RGB straight into the 8-bit output (no full-resolution float planes).
 */
export function ySink(cb: Plane, cr: Plane, out: Uint8Array, outW: number, outH: number, range: ValueMap): TileSink {
  const bands = bandCache([cb, cr], outW, outH, false);
  const chroma = (band: Float32Array, core: TileOutput): Plane => {
    const data = new Float32Array(core.width * core.height);
    for (let j = 0; j < core.height; j++) data.set(band.subarray(j * outW + core.x, j * outW + core.x + core.width), j * core.width);
    return { width: core.width, height: core.height, data };
  };
  return {
    write(core) {
      const [cbBand, crBand] = bands(core.y, core.height);
      const rgb = ycbcrToRgb({ y: corePlane(core, 0, range), cb: chroma(cbBand, core), cr: chroma(crBand, core) });
      for (let j = 0; j < core.height; j++) {
        out.set(rgb.data.subarray(j * core.width * 3, (j + 1) * core.width * 3), ((core.y + j) * outW + core.x) * 3);
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
