import { SrError } from '../errors.ts';
import { dropAlpha } from '../imaging/alpha-channel.ts';
import type { DecodedPhoto, RgbImage } from '../imaging/image.ts';
import { resizeBaseline } from '../imaging/sharp-resize.ts';
import type { Device } from '../models/execution-providers.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { attachAlpha, resizeAlpha } from './alpha.ts';
import { openModelPass, runModelPass } from './model-pass.ts';
import { planScale } from './scale-plan.ts';

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
}

/**
 * Upscales a decoded photo with a model: Y or RGB through the model, tile by tile, at the model's native
 * scale (repeated if needed), then an exact lanczos3 resize to the requested size when it is not a native
 * multiple. Alpha is resized separately and re-attached. Progress counts tiles over all passes.
 */
export async function upscalePhoto(photo: DecodedPhoto, opts: UpscaleOptions): Promise<RgbImage> {
  const source = photo.image;
  const plan = planScale(source.width, source.height, opts, opts.model, opts.alternatives);
  const modelPass = await openModelPass(plan.model, {
    device: opts.device,
    photoGraph: opts.photoGraph,
    onNotice: (note) => opts.onProgress?.({ done: 0, total: 0, note }),
  });
  let image = dropAlpha(source);
  // Tiles of every pass, so progress is monotonic across passes; known once each pass is planned.
  let finished = 0;
  for (let pass = 0; pass < plan.passes; pass++) {
    if (opts.signal?.aborted) throw new SrError('CANCELLED', 'Upscaling was cancelled');
    const base = finished;
    image = await runModelPass(image, modelPass, {
      tile: opts.tile,
      batch: opts.batch,
      signal: opts.signal,
      inThread: opts.inThread,
      onProgress: (p) => {
        if (p.total > 0) finished = base + p.done;
        const note = p.note ?? (plan.passes > 1 ? `pass ${pass + 1} of ${plan.passes}` : undefined);
        opts.onProgress?.({ done: p.total > 0 ? base + p.done : finished, total: p.total > 0 ? base + p.total : 0, note });
      },
    });
  }
  if (image.width !== plan.width || image.height !== plan.height) {
    image = await resizeBaseline(image, plan.width, plan.height, 'lanczos3');
  }
  if (source.channels === 4) image = attachAlpha(image, await resizeAlpha(source, plan.width, plan.height));
  return image;
}
