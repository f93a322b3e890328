import { SrError } from '../errors.ts';
import { resizeBaseline } from '../imaging/baseline-resize.ts';
import { type DecodedPhoto, type RgbImage, type Samples, sampleBytes } from '../imaging/image.ts';
import { assertHoldable } from '../imaging/limits.ts';
import { rgbWithTransparentFilled } from '../imaging/transparent-fill.ts';
import type { Device } from '../models/execution-providers.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { attachAlpha, resizeAlpha } from './alpha.ts';
import { assertFitsMemory } from './memory-needs.ts';
import {
  inferModelPass,
  type ModelPass,
  openModelPass,
  type PassOptions,
  type PreparedPass,
  prepareModelPass,
  runModelPass,
} from './model-pass.ts';
import { planScale, type ScalePlan } from './scale-plan.ts';

export interface UpscaleProgress {
  done: number;
  total: number;
  note?: string;
}

export interface UpscaleOptions {
  model: LoadedModel;
  /** Other native scales of the same family, to reach non-native targets in as few passes as possible. */
  alternatives?: LoadedModel[];
  scale?: number;
  width?: number;
  height?: number;
  device?: Device;
  /** Core tile side in model-input pixels. */
  tile?: number;
  /** Tiles per run. */
  batch?: number;
  onProgress?: (p: UpscaleProgress) => void;
  signal?: AbortSignal;
  /** Run ORT on this thread rather than in the session's worker (bench:infer compares the two). */
  inThread?: boolean;
  /** false: SRCNN-style models without their photo graph (model-pass.ts), for comparisons. */
  photoGraph?: boolean;
  /** ONNX Runtime's intra-op threads (default: cores.ts' computeThreads). */
  threads?: number;
  /** A batch's pipeline: the worker's narrow session's threads, and when to use it (session.ts, pipeline/). */
  narrowThreads?: number;
  narrow?: () => boolean;
}

/**
 * A photo made ready for the model: the size plan, the opened model pass, and its first pass prepared (colour
 * converted, output allocated). The three steps below are the photo's part of a batch's pipeline; `upscalePhoto`
 * runs them back to back.
 */
export interface PreparedUpscale<D extends Samples = Uint8Array> {
  source: RgbImage<D>;
  plan: ScalePlan;
  pass: ModelPass;
  first: PreparedPass<D>;
}

/**
 * Plans the output size, opens the model (sessions are cached) and prepares the first pass. A 16-bit photo stays
 * 16-bit to the end: its planes are floats as an 8-bit photo's are, and each pass writes 16-bit samples.
 */
export async function prepareUpscale<D extends Samples>(photo: DecodedPhoto<D>, opts: UpscaleOptions): Promise<PreparedUpscale<D>> {
  const source = photo.image;
  const plan = planScale(source.width, source.height, opts, opts.model, opts.alternatives);
  const modelOutput = { width: plan.modelWidth, height: plan.modelHeight };
  // One array of samples holds an image, and sharp hands 16-bit ones over as bytes: the limit is on bytes.
  const bytes = sampleBytes(source.data);
  assertHoldable(plan, source.channels * bytes);
  assertHoldable(modelOutput, source.channels * bytes, `The model's output, before the resize to ${plan.width}×${plan.height},`);
  assertFitsMemory(source, plan, { modelOutput, sampleBytes: bytes });
  const pass = await openModelPass(plan.model, {
    device: opts.device,
    threads: opts.threads,
    narrowThreads: opts.narrowThreads,
    photoGraph: opts.photoGraph,
    onNotice: (note) => opts.onProgress?.({ done: 0, total: 0, note }),
  });
  if (opts.signal?.aborted) throw new SrError('CANCELLED', 'Upscaling was cancelled');
  // The model reads across a cutout's edge: transparent pixels get their visible neighbours' colours, not their own.
  return { source, plan, pass, first: prepareModelPass(rgbWithTransparentFilled(source), pass, { inThread: opts.inThread }) };
}

/** Every model pass of the plan, tile by tile; the model's output before any resize to the exact target. */
export async function inferUpscale<D extends Samples>(prepared: PreparedUpscale<D>, opts: UpscaleOptions): Promise<RgbImage<D>> {
  const { plan, pass } = prepared;
  let image: RgbImage<D> | undefined;
  // Tiles of every pass, so progress is monotonic across passes; known once each pass is planned.
  let finished = 0;
  for (let index = 0; index < plan.passes; index++) {
    if (opts.signal?.aborted) throw new SrError('CANCELLED', 'Upscaling was cancelled');
    const base = finished;
    const passOptions: PassOptions = {
      tile: opts.tile,
      batch: opts.batch,
      signal: opts.signal,
      inThread: opts.inThread,
      narrow: opts.narrow,
      onProgress: (p) => {
        if (p.total > 0) finished = base + p.done;
        const note = p.note ?? (plan.passes > 1 ? `pass ${index + 1} of ${plan.passes}` : undefined);
        opts.onProgress?.({ done: p.total > 0 ? base + p.done : finished, total: p.total > 0 ? base + p.total : 0, note });
      },
    };
    image = image === undefined ? await inferModelPass(prepared.first, pass, passOptions) : await runModelPass(image, pass, passOptions);
  }
  return image as RgbImage<D>;
}

/** The exact target size (lanczos3 from the model's output when it is not a native multiple) and the alpha channel. */
export async function assembleUpscale<D extends Samples>(
  prepared: Pick<PreparedUpscale<D>, 'plan' | 'source'>,
  modelOutput: RgbImage<D>,
): Promise<RgbImage<D>> {
  const { plan, source } = prepared;
  let image = modelOutput;
  if (image.width !== plan.width || image.height !== plan.height) {
    image = await resizeBaseline(image, plan.width, plan.height, 'lanczos3');
  }
  if (source.channels === 4) image = attachAlpha(image, await resizeAlpha(source, plan.width, plan.height));
  return image;
}

/**
 * Upscales a decoded photo with a model: Y or RGB through the model, tile by tile, at the model's native
 * scale (repeated if needed), then an exact lanczos3 resize to the requested size when it is not a native
 * multiple. Alpha is resized separately and re-attached. Progress counts tiles over all passes.
 */
export async function upscalePhoto<D extends Samples>(photo: DecodedPhoto<D>, opts: UpscaleOptions): Promise<RgbImage<D>> {
  const prepared = await prepareUpscale(photo, opts);
  return assembleUpscale(prepared, await inferUpscale(prepared, opts));
}
