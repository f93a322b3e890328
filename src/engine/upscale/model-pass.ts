import { SrError } from '../errors.ts';
import { rgbToYcbcr } from '../imaging/colour.ts';
import { type Plane, type RgbImage, type Samples, sampleMax, samplesLike } from '../imaging/image.ts';
import { knownGeometry, rememberGeometry } from '../models/geometry-cache.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { FREE_BATCH_LIMIT, type ModelGeometry, modelGeometry } from '../models/probe.ts';
import { inferenceWorker, type ModelSession, openSession, releaseSessionsFor, type SessionOptions } from '../models/session.ts';
import { runTiled, type TiledProgress, type TileSink, type TileSource } from '../tiling/run-tiled.ts';
import { cachedPhotoGraph } from './photo-graph-cache.ts';
import { YCBCR_GRAPH_CROP } from './photo-graph-spec.ts';
import { rgbSink, ycbcrSink, ySink } from './tile-sinks.ts';
import { lrPhotoSource, lrPlaneSource, lrRgbSource, mirroredPlanesSource, upsampledSource, type ValueMap } from './tile-sources.ts';

export interface PassOptions {
  tile?: number;
  batch?: number;
  onProgress?: (p: TiledProgress) => void;
  signal?: AbortSignal;
  /** Run ORT on this thread rather than in the session's worker (bench:infer compares the two). */
  inThread?: boolean;
  /** Asked before each batch of tiles: run it on the worker's narrow session (a pipeline is decoding or encoding). */
  narrow?: () => boolean;
}

/**
 * Default core sizes, measured with bench/infer.bench.ts on 2 cores: SRCNN 9-5-5 is fastest with windows of
 * about 256² in batches of 4 (bigger batches thrash the cache); LR models see s² fewer pixels per output pixel.
 */
export const DEFAULT_TILE = { upsampled: 240, lr: 128 } as const;
export const DEFAULT_BATCH = 4;

/** R, G and B as float planes on the 0–255 scale. */
function planesOf(image: RgbImage<Samples>): Plane[] {
  const planes = [0, 1, 2].map(() => ({ width: image.width, height: image.height, data: new Float32Array(image.width * image.height) }));
  const unit = 255 / sampleMax(image.data);
  for (let i = 0, p = 0; i < image.width * image.height; i++, p += image.channels) {
    planes[0].data[i] = image.data[p] * unit;
    planes[1].data[i] = image.data[p + 1] * unit;
    planes[2].data[i] = image.data[p + 2] * unit;
  }
  return planes;
}

/** A model opened for upscaling: the session that runs, and how it maps input pixels to output pixels. */
export interface ModelPass {
  model: LoadedModel;
  session: ModelSession;
  geometry: ModelGeometry;
  /** The session runs the model's photo graph (ycbcr-graph.ts): LR YCbCr in, HR YCbCr out. */
  photoGraph: boolean;
}

export interface OpenPassOptions extends SessionOptions {
  /** false: never the photo graph, always the model alone with the main-thread bicubic (for comparisons). */
  photoGraph?: boolean;
}

/**
 * Photo graphs by model file, made once per process like the sessions (which are cached by the same path), not once
 * per photo of a batch; across runs, photo-graph-cache.ts keeps them. undefined: the model cannot have one.
 */
const photoGraphs = new Map<string, Promise<Uint8Array | undefined>>();

function photoGraphOf(modelPath: string, scale: number, range: ValueMap, inputKind: 'upsampled' | 'lr'): Promise<Uint8Array | undefined> {
  const key = `${modelPath}|${scale}|${range.lo}|${range.hi}|${inputKind}`;
  let graph = photoGraphs.get(key);
  if (!graph) {
    graph = cachedPhotoGraph(modelPath, scale, range, inputKind);
    // A failed read is not remembered: the next photo tries again.
    graph.catch(() => photoGraphs.delete(key));
    photoGraphs.set(key, graph);
  }
  return graph;
}

/** Whether the model maps channels and sizes as its metadata says (an 'upsampled' model keeps the size). */
function fitsMetadata(geometry: ModelGeometry, model: LoadedModel): boolean {
  const { scale, inputKind, colorMode } = model.meta;
  return geometry.ratio === (inputKind === 'lr' ? scale : 1) && geometry.channels === (colorMode === 'y' ? 1 : 3);
}

/**
 * Opens a model for upscaling. Its geometry is measured, never trusted from metadata. A Y model that SR Studio
 * exported or quantised (same-padded, if 'upsampled') runs as its photo graph, so that ORT, not the main thread,
 * does the bicubic. The session that runs is opened in its inference worker: a batch's main thread creates no session
 * (the geometry is kept across runs), and finds the worker ready when its first tiles are.
 *
 * The first time a model with a photo graph is met, its geometry is measured on the photo graph in the worker
 * (`checkedPhotoPass`) rather than on a session of the model on this thread: opening one cost a batch's first run on a
 * machine 0.05 s before its first photo (docs/batch-throughput.md), and ONNX Runtime need not load here at all.
 */
export async function openModelPass(model: LoadedModel, options: OpenPassOptions = {}): Promise<ModelPass> {
  const known = knownGeometry(model.path);
  // One that contradicts the metadata is measured again rather than believed: only a measurement refuses a model.
  if (known && fitsMetadata(known, model))
    return (await photoPass(model, known, undefined, options)) ?? plainPass(model, known, undefined, options);
  if (mayHavePhotoGraph(model, options)) {
    const checked = await checkedPhotoPass(model, options);
    if (checked) return checked;
  }
  const plain = await openSession(model.path, options);
  const geometry = await modelGeometry(plain, model.path);
  rememberGeometry(model.path, geometry);
  if (!fitsMetadata(geometry, model)) {
    const { scale, inputKind, colorMode } = model.meta;
    throw new SrError(
      'BAD_MODEL',
      `${model.path} says it is a ×${scale} ${colorMode} '${inputKind}' model, but it maps ${geometry.channels} channel(s) to ${geometry.ratio}× the input size`,
      'Re-import the model with `srstudio models import` so its metadata is measured again.',
      model.path,
    );
  }
  return (await photoPass(model, geometry, plain, options)) ?? plainPass(model, geometry, plain, options);
}

/** What its metadata promises a model SR Studio made: one channel (Y), the output ×scale ('lr') or the input's size, no crop. */
function promisedGeometry(model: LoadedModel): ModelGeometry {
  return { channels: 1, ratio: model.meta.inputKind === 'lr' ? model.meta.scale : 1, crop: 0, maxBatch: FREE_BATCH_LIMIT };
}

function mayHavePhotoGraph(model: LoadedModel, options: OpenPassOptions): boolean {
  return options.photoGraph !== false && model.meta.colorMode === 'y';
}

/**
 * The photo graph's pass for a model not measured yet, built on the geometry its metadata promises; its first run in
 * the worker (two windows of 24² and one of 32², as measuring runs the model) must then give exactly the output that
 * geometry implies: the graph's Concat of the model's output with the bicubic chroma fails for any other size, and any
 * channel count but one shows in the output's. Then the geometry counts as measured and is kept. undefined (with
 * nothing kept) when the model has no photo graph or its runs say otherwise: the caller measures it the usual way.
 */
async function checkedPhotoPass(model: LoadedModel, options: OpenPassOptions): Promise<ModelPass | undefined> {
  const promised = promisedGeometry(model);
  let pass: ModelPass | undefined;
  try {
    pass = await photoPass(model, promised, undefined, options, false);
  } catch {
    return undefined;
  }
  if (!pass) return undefined;
  const checks = photoGraphChecks.get(pass.session) ?? new Map<number, Promise<boolean>>();
  photoGraphChecks.set(pass.session, checks);
  let verdict = checks.get(model.meta.scale);
  if (!verdict) {
    verdict = givesPromisedSizes(pass.session, model.meta.scale);
    checks.set(model.meta.scale, verdict);
  }
  if (!(await verdict)) {
    // Not the model its metadata describes: measured the usual way next, which says what is wrong or runs it alone.
    await releaseSessionsFor(`${model.path}#photo-graph`);
    return undefined;
  }
  rememberGeometry(model.path, promised);
  return pass;
}

/**
 * Photo graph sessions checked (`checkedPhotoPass`) for a scale, once per session like a measurement (probe.ts): a batch
 * opens its pass per photo. By scale, since a session is cached by its model's path, and a model whose metadata lies
 * about its scale finds the one its true scale opened.
 */
const photoGraphChecks = new WeakMap<ModelSession, Map<number, Promise<boolean>>>();

async function givesPromisedSizes(session: ModelSession, scale: number): Promise<boolean> {
  const worker = await inferenceWorker(session).catch(() => undefined);
  if (!worker) return false;
  const gives = async (n: number, side: number): Promise<boolean> => {
    const out = await worker.run(new Float32Array(n * 3 * side * side).fill(128), [n, 3, side, side]).catch(() => undefined);
    const edge = scale * (side - 2 * YCBCR_GRAPH_CROP);
    return out?.dims.join() === [n, 3, edge, edge].join();
  };
  return (await gives(2, 24)) && (await gives(1, 32));
}

/** The photo graph's pass, or undefined when the model cannot have one (then it runs alone, `plainPass`). */
async function photoPass(
  model: LoadedModel,
  geometry: ModelGeometry,
  plain: ModelSession | undefined,
  options: OpenPassOptions,
  noticeFallback = true,
): Promise<ModelPass | undefined> {
  const { scale, inputKind, valueRange } = model.meta;
  if (!mayHavePhotoGraph(model, options) || geometry.crop !== 0) return undefined;
  const graph = await photoGraphOf(model.path, scale, { lo: valueRange[0], hi: valueRange[1] }, inputKind);
  if (!graph) return undefined;
  try {
    // On the provider the model itself resolved to, if it was opened, so `auto` gives its fallback notice once.
    const session = await openSession(
      graph,
      {
        device: plain?.provider ?? options.device,
        onNotice: plain ? undefined : options.onNotice,
        threads: options.threads,
        narrowThreads: options.narrowThreads,
        openIn: 'worker',
      },
      `${model.path}#photo-graph`,
    );
    const photoGeometry = { channels: 3, ratio: scale, crop: YCBCR_GRAPH_CROP, maxBatch: geometry.maxBatch } as const;
    return { model, session, geometry: photoGeometry, photoGraph: true };
  } catch (error) {
    if (!noticeFallback) throw error;
    // The model itself runs on this provider, so it still can, with the bicubic on this thread.
    options.onNotice?.(`Upscaling with the bicubic on the main thread (slower): ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function plainPass(
  model: LoadedModel,
  geometry: ModelGeometry,
  plain: ModelSession | undefined,
  options: OpenPassOptions,
): Promise<ModelPass> {
  return { model, session: plain ?? (await openSession(model.path, { ...options, openIn: 'worker' })), geometry, photoGraph: false };
}

/**
 * Core tile side and receptive radius in the pass' input pixels. `tile` is in the model's input pixels, which for
 * an 'upsampled' model are output pixels; its photo graph reads LR pixels, and its bicubic reaches 2 beyond them.
 */
export function passTiling(pass: ModelPass, tile?: number): { tile: number; halo: number } {
  const { inputKind, scale, halo } = pass.model.meta;
  if (!pass.photoGraph) return { tile: tile ?? DEFAULT_TILE[inputKind], halo };
  // An 'lr' model's tile and halo are in LR pixels already.
  if (inputKind === 'lr') return { tile: tile ?? DEFAULT_TILE.lr, halo: halo + YCBCR_GRAPH_CROP };
  return { tile: Math.max(1, Math.ceil((tile ?? DEFAULT_TILE.upsampled) / scale)), halo: Math.ceil(halo / scale) + YCBCR_GRAPH_CROP };
}

/** The model's input source and the sink writing its output into `out` (of the image's depth), for one native pass. */
export function passEndpoints(
  image: RgbImage<Samples>,
  model: LoadedModel,
  out: Samples,
  outW: number,
  outH: number,
  photoGraph = false,
): { source: TileSource; sink: TileSink } {
  const { colorMode, inputKind, valueRange } = model.meta;
  const range: ValueMap = { lo: valueRange[0], hi: valueRange[1] };
  if (colorMode === 'y') {
    const { y, cb, cr } = rgbToYcbcr(image);
    if (photoGraph) {
      const source = inputKind === 'lr' ? lrPhotoSource(y, cb, cr, range) : mirroredPlanesSource([y, cb, cr]);
      return { source, sink: ycbcrSink(out, outW, range) };
    }
    const source = inputKind === 'upsampled' ? upsampledSource([y], outW, outH, range) : lrPlaneSource([y], range);
    return { source, sink: ySink(cb, cr, out, outW, outH, range) };
  }
  const source = inputKind === 'upsampled' ? upsampledSource(planesOf(image), outW, outH, range) : lrRgbSource(image, range);
  return { source, sink: rgbSink(out, outW, range) };
}

/** One native pass made ready for the model: its tile source (colour converted) and the sink filling `out`. */
export interface PreparedPass<D extends Samples = Uint8Array> {
  source: TileSource;
  sink: TileSink;
  /** The output, of the input's depth. */
  out: D;
  width: number;
  height: number;
}

/**
 * The main-thread work before a pass' first tile: the colour conversion (and the chroma planes the sink reads) and the
 * output buffer. A batch's pipeline does it for the next photo while the model runs on the current one.
 */
export function prepareModelPass<D extends Samples>(
  image: RgbImage<D>,
  pass: ModelPass,
  options: Pick<PassOptions, 'inThread'> = {},
): PreparedPass<D> {
  // Start the session's worker now (it loads the model again on its own thread, 0.4–0.7 s on 2 busy cores), so that
  // the colour conversion and the resize plans below overlap it instead of preceding it; runTiled gets the same
  // cached worker, and reports a failed start itself (hence the ignored rejection here).
  if (!options.inThread) inferenceWorker(pass.session).catch(() => {});
  const { scale } = pass.model.meta;
  const width = image.width * scale;
  const height = image.height * scale;
  const out = samplesLike(image.data, width * height * 3);
  const { source, sink } = passEndpoints(image, pass.model, out, width, height, pass.photoGraph);
  return { source, sink, out, width, height };
}

/** Runs a model once at its native scale: a 3-channel image in, a 3-channel image `scale`× larger (of its depth) out. */
export async function runModelPass<D extends Samples>(
  image: RgbImage<D>,
  pass: ModelPass,
  options: PassOptions = {},
): Promise<RgbImage<D>> {
  return inferModelPass(prepareModelPass(image, pass, options), pass, options);
}

/** The model over a prepared pass, tile by tile; the result is the pass' output image. */
export async function inferModelPass<D extends Samples>(
  prepared: PreparedPass<D>,
  pass: ModelPass,
  options: PassOptions = {},
): Promise<RgbImage<D>> {
  const { source, sink, out, width, height } = prepared;
  await runTiled({
    session: pass.session,
    geometry: pass.geometry,
    source,
    sink,
    ...passTiling(pass, options.tile),
    batch: options.batch ?? DEFAULT_BATCH,
    onProgress: options.onProgress,
    signal: options.signal,
    inThread: options.inThread,
    narrow: options.narrow,
  });
  return { width, height, channels: 3, data: out };
}

/** A model being made ready for a batch: `opened` once its session is open, `ready` once it has run at full size. */
export interface WarmingPass {
  opened: Promise<ModelPass>;
  ready: Promise<void>;
}

/**
 * Opens a model for upscaling and runs one batch of full-size windows through its worker, before any photo needs it:
 * the session, the worker thread itself and ORT's first-run allocations (the first run of a fresh session takes 2–5×
 * a later one) are then paid while the caller does other work (a batch: discovering and planning its files, decoding
 * and preparing the first one). Sessions and workers are cached, so the batch's first photo finds them ready; its
 * first batch of tiles queues behind this one.
 */
export function warmModelPass(model: LoadedModel, options: OpenPassOptions & { tile?: number } = {}): WarmingPass {
  const opened = openModelPass(model, options);
  return { opened, ready: opened.then((pass) => firstRun(pass, options.tile)) };
}

async function firstRun(pass: ModelPass, tileOption: number | undefined): Promise<void> {
  const worker = await inferenceWorker(pass.session);
  if (!worker) return;
  const { tile, halo } = passTiling(pass, tileOption);
  const { channels, crop } = pass.geometry;
  const side = tile + 2 * Math.max(halo, crop);
  const dims = [DEFAULT_BATCH, channels, side, side];
  // Mid-grey in any of the value ranges a pass feeds (0–255, or the model's own range): the values do not matter.
  await worker.run(new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims);
}
