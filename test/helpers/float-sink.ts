import type { TileSink } from '../../src/engine/tiling/run-tiled.ts';

/** Collects the model's float output (before any rounding) into one full-size buffer, counting writes per pixel. */
export function floatSink(width: number, height: number, channels: number): TileSink & { data: Float32Array; writes: Uint8Array } {
  const data = new Float32Array(width * height * channels);
  const writes = new Uint8Array(width * height);
  return {
    data,
    writes,
    write(core) {
      for (let c = 0; c < channels; c++) {
        for (let j = 0; j < core.height; j++) {
          for (let i = 0; i < core.width; i++) {
            data[(c * height + core.y + j) * width + core.x + i] = core.data[core.offset + c * core.planeStride + j * core.rowStride + i];
            if (c === 0) writes[(core.y + j) * width + core.x + i]++;
          }
        }
      }
    },
  };
}
