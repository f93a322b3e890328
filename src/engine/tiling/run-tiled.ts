import type * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import { ortRuntime } from '../models/ort-runtime.ts';
import type { ModelGeometry } from '../models/probe.ts';
import { inferenceWorker, type ModelSession } from '../models/session.ts';
import type { BatchResult } from '../models/worker-session.ts';
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
  /**
   * Run ORT on the calling thread instead of the session's worker (for measurements; also used when the
   * session has no worker). Nothing then overlaps: onnxruntime-node's run blocks the thread that calls it.
   */
  inThread?: boolean;
  /**
   * Asked before each batch: run it on the worker's narrow session (fewer threads; the same output bytes). A narrow
   * batch is one tile, so that the choice is made again soon after the work beside it ends.
   */
  narrow?: () => boolean;
}

interface BatchRunner {
  /** Runs one batch, on the narrow session if asked. The input's buffer may move to another thread; the result hands it back. */
  run(input: Float32Array, dims: number[], narrow: boolean): Promise<BatchResult>;
  /** There is a narrow session to run on (the worker opened one): only then does a batch's narrowness matter. */
  hasNarrow: boolean;
}

function inThreadRunner(session: ModelSession): BatchRunner {
  return {
    hasNarrow: false,
    async run(input, dims) {
      const result = await (await session.onThread()).run({ [session.inputName]: new (ortRuntime().Tensor)('float32', input, dims) });
      const output = result[session.outputName] as ort.Tensor;
      return { output: output.data as Float32Array, dims: output.dims, input };
    },
  };
}

/**
 * The session's worker when it has one. The worker only buys overlap: if it cannot start (a packaged build
 * without its file, a platform without worker support), the same session runs here, with a notice.
 */
async function batchRunner(options: RunTiledOptions): Promise<BatchRunner> {
  if (options.inThread) return inThreadRunner(options.session);
  try {
    const worker = await inferenceWorker(options.session);
    if (worker) return { hasNarrow: worker.hasNarrow, run: (input, dims, narrow) => worker.run(input, dims, narrow) };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    options.onProgress?.({ done: 0, total: 0, note: `Running inference on the main thread (slower): ${reason}` });
  }
  return inThreadRunner(options.session);
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
  throwIfAborted(options.signal);
  const runner = await batchRunner(options);
  for (;;) {
    try {
      await runPlan(options, runner, tile);
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

/**
 * The pipeline: while batch b runs (in the session's worker thread), this thread fills batch b+1 and queues it,
 * then stitches batch b when it comes back, so the worker always has the next batch waiting. Two input buffers
 * circulate: one in the worker, one being filled.
 *
 * Why a worker: onnxruntime-node runs `session.run` synchronously on the thread that calls it, so preparing
 * "while the batch runs" on one thread overlaps nothing. With ORT in a worker, the tile work (bicubic bands,
 * colour conversion, stitching) overlaps ORT. Where ORT leaves the CPU free (GPU providers) that hides the
 * tile work entirely. On a 2-core CPU the tile work competes with ORT's own 2 threads, so the gain is at most
 * half of it: bench:infer --compare-in-thread (2 MP photo, SRCNN 9-5-5/9-1-5 ×2/×3, 3 runs on a shared
 * 2-core machine) gave 196 s with the worker against 202 s in-thread over the same 10 rows, i.e. within noise.
 *
 * Batches are formed as they are queued: `batch` tiles, or one tile where the batch runs narrow. A narrow batch
 * leaves a core to a decode or encode of the batch's pipeline; when that ends in the middle of a four-tile batch, its
 * core stays idle until the batch does (docs/batch-throughput.md: 13–15% of the machine idle on the PNG folder with
 * four-tile narrow batches, 8–9% with one-tile ones).
 */
async function runPlan(options: RunTiledOptions, runner: BatchRunner, tile: number): Promise<void> {
  const { geometry, source, sink, signal } = options;
  const { channels, ratio, crop } = geometry;
  const halo = Math.max(0, options.halo - crop);
  const plan: TilePlan = planTiles({ width: source.width, height: source.height, tile, halo, crop });
  const { windowWidth: ww, windowHeight: wh, tiles } = plan;
  const batch = Math.max(1, Math.min(options.batch, geometry.maxBatch, tiles.length));
  const tileSize = channels * ww * wh;
  const free = [new Float32Array(batch * tileSize), new Float32Array(batch * tileSize)];

  const outW = ratio * (ww - 2 * crop);
  const outH = ratio * (wh - 2 * crop);
  interface Queued {
    group: Tile[];
    running: Promise<BatchResult>;
  }
  let queuedTiles = 0;
  // Without a narrow session (a fixed thread split, a GPU provider: session.ts) there is no choice, and batches keep their size.
  const narrowNow = runner.hasNarrow ? options.narrow : undefined;
  const submit = (): Queued => {
    const narrow = narrowNow?.() ?? false;
    const group = tiles.slice(queuedTiles, queuedTiles + (narrow ? 1 : batch));
    queuedTiles += group.length;
    const buffer = free.pop() ?? new Float32Array(batch * tileSize);
    group.forEach((t, i) => {
      source.fillWindow(t.x.windowStart, t.y.windowStart, ww, wh, buffer, i * tileSize);
    });
    const input = group.length === batch ? buffer : buffer.subarray(0, group.length * tileSize);
    const running = runner.run(input, [group.length, channels, wh, ww], narrow);
    // A batch queued behind one that failed also fails; `finally` below collects it.
    running.catch(() => {});
    return { group, running };
  };
  const stitch = (group: Tile[], result: BatchResult): void => {
    const [n, oc, oh, ow] = result.dims;
    if (n !== group.length || oc !== channels || oh !== outH || ow !== outW) {
      throw new SrError(
        'BAD_MODEL',
        `The model returned a ${result.dims.join('×')} batch where ${group.length}×${channels}×${outH}×${outW} was expected`,
      );
    }
    const data = result.output;
    const planeStride = outH * outW;
    group.forEach((t, i) => {
      // Core position inside this tile's output: its offset from the first input pixel that has an output, × ratio.
      const cx = ratio * (t.x.start - t.x.windowStart - crop);
      const cy = ratio * (t.y.start - t.y.windowStart - crop);
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
  };

  let done = 0;
  options.onProgress?.({ done, total: tiles.length });
  throwIfAborted(signal);
  const inFlight: Queued[] = [submit()];
  try {
    while (inFlight.length > 0) {
      if (queuedTiles < tiles.length) inFlight.push(submit());
      const { group, running } = inFlight[0];
      const result = await running;
      inFlight.shift();
      free.push(new Float32Array(result.input.buffer as ArrayBuffer, 0, batch * tileSize));
      stitch(group, result);
      done += group.length;
      options.onProgress?.({ done, total: tiles.length });
      throwIfAborted(signal);
    }
  } finally {
    // On an error or a cancel, wait for the batch still queued so nothing runs on behind the caller's back.
    await Promise.allSettled(inFlight.map((q) => q.running));
  }
}
