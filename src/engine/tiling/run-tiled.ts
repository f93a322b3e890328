import * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import type { ModelGeometry } from '../models/probe.ts';
import type { ModelSession } from '../models/session.ts';
import { planTiles, type Tile, type TilePlan } from './tile-plan.ts';

/** Supplies model input: the window's pixels, planar (C×h×w), already in the model's value range. */
export interface TileSource {
  /** Image size in model-input pixels. */
  width: number;
  height: number;
  /**
   * Writes the window [x, x+w) × [y, y+h) into `dst` at `offset`, one plane per channel. The window may reach
   * `crop` pixels outside the image (valid-convolution models): those pixels replicate the border.
   */
  fillWindow(x: number, y: number, w: number, h: number, dst: Float32Array, offset: number): void;
}

/** One tile's finished core, as a view into the model's output batch. */
export interface TileOutput {
  /** The core, in output pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  data: Float32Array;
  /** Index of the core's top-left pixel in channel 0. */
  offset: number;
  rowStride: number;
  planeStride: number;
}

export interface TileSink {
  write(core: TileOutput): void;
}

export interface TiledProgress {
  done: number;
  total: number;
  note?: string;
}

export interface RunTiledOptions {
  session: ModelSession;
  geometry: ModelGeometry;
  source: TileSource;
  sink: TileSink;
  /** Core side in input pixels. */
  tile: number;
  /** Receptive radius in input pixels (metadata halo); the plan adds what the crop does not cover. */
  halo: number;
  /** Tiles per `session.run`. */
  batch: number;
  onProgress?: (p: TiledProgress) => void;
  signal?: AbortSignal;
  /** Smallest tile the out-of-memory retry may go down to. */
  minTile?: number;
}

const ALLOCATION_FAILURE =
  /failed to allocate|bad_alloc|out of memory|cudaErrorMemoryAllocation|CUDA_ERROR_OUT_OF_MEMORY|E_OUTOFMEMORY|insufficient memory/i;

export function isAllocationFailure(error: unknown): boolean {
  return ALLOCATION_FAILURE.test((error as Error)?.message ?? String(error));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SrError('CANCELLED', 'Upscaling was cancelled', undefined, undefined, { cause: signal.reason });
}

/**
 * Runs a model over an image tile by tile and hands each finished core to the sink. When the runtime cannot
 * allocate memory for a batch (a GPU with too little memory, most often), it starts again with half-size
 * tiles and says so through onProgress; the sink simply gets every core again.
 * Returns the tile size that succeeded.
 */
export async function runTiled(options: RunTiledOptions): Promise<number> {
  let tile = Math.max(1, Math.floor(options.tile));
  const minTile = options.minTile ?? 16;
  for (;;) {
    try {
      await runPlan(options, tile);
      return tile;
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      if (tile <= minTile) {
        throw new SrError(
          'TOO_LARGE',
          `The model ran out of memory even with ${tile}-pixel tiles: ${(error as Error).message.split('\n')[0]}`,
          'Close other programs using the GPU, try --device cpu, or use a smaller model.',
          undefined,
          { cause: error },
        );
      }
      tile = Math.max(minTile, Math.floor(tile / 2));
      options.onProgress?.({ done: 0, total: 0, note: `Out of memory; retrying with ${tile}-pixel tiles` });
    }
  }
}

async function runPlan(options: RunTiledOptions, tile: number): Promise<void> {
  const { session, geometry, source, sink, signal } = options;
  const { channels, ratio, crop } = geometry;
  const halo = Math.max(0, options.halo - crop);
  const plan: TilePlan = planTiles({ width: source.width, height: source.height, tile, halo, crop });
  const { windowWidth: ww, windowHeight: wh, tiles } = plan;
  const batch = Math.max(1, Math.min(options.batch, geometry.maxBatch, tiles.length));
  const tileSize = channels * ww * wh;
  // Two input buffers: one is being run while the next batch is prepared into the other.
  const buffers = [new Float32Array(batch * tileSize), new Float32Array(batch * tileSize)];
  const batches: Tile[][] = [];
  for (let i = 0; i < tiles.length; i += batch) batches.push(tiles.slice(i, i + batch));

  const outW = ratio * ww - 2 * crop;
  const outH = ratio * wh - 2 * crop;
  const prepare = (index: number): ort.Tensor => {
    const group = batches[index];
    const buffer = buffers[index % 2];
    group.forEach((t, i) => {
      source.fillWindow(t.x.windowStart, t.y.windowStart, ww, wh, buffer, i * tileSize);
    });
    const data = group.length === batch ? buffer : buffer.subarray(0, group.length * tileSize);
    return new ort.Tensor('float32', data, [group.length, channels, wh, ww]);
  };

  let done = 0;
  options.onProgress?.({ done, total: tiles.length });
  throwIfAborted(signal);
  let next: ort.Tensor | undefined = prepare(0);
  for (let b = 0; b < batches.length; b++) {
    const input: ort.Tensor = next!;
    const running = session.session.run({ [session.inputName]: input });
    // Prepare the next batch while this one runs.
    next = b + 1 < batches.length ? prepare(b + 1) : undefined;
    const result = await running;
    const output = result[session.outputName] as ort.Tensor;
    const [n, oc, oh, ow] = output.dims;
    if (n !== batches[b].length || oc !== channels || oh !== outH || ow !== outW) {
      throw new SrError(
        'BAD_MODEL',
        `The model returned a ${output.dims.join('×')} batch where ${batches[b].length}×${channels}×${outH}×${outW} was expected`,
      );
    }
    const data = output.data as Float32Array;
    const planeStride = outH * outW;
    batches[b].forEach((t, i) => {
      // Core position inside this tile's output: input offset × ratio, less the crop of the valid convs.
      const cx = ratio * (t.x.start - t.x.windowStart) - crop;
      const cy = ratio * (t.y.start - t.y.windowStart) - crop;
      sink.write({
        x: ratio * t.x.start,
        y: ratio * t.y.start,
        width: ratio * (t.x.end - t.x.start),
        height: ratio * (t.y.end - t.y.start),
        data,
        offset: i * channels * planeStride + cy * outW + cx,
        rowStride: outW,
        planeStride,
      });
    });
    output.dispose?.();
    done += batches[b].length;
    options.onProgress?.({ done, total: tiles.length });
    throwIfAborted(signal);
  }
}
