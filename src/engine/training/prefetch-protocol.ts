import type { Recipe } from '../degrade/index.ts';
import type { PatchGeometry } from './patch-geometry.ts';
import type { SamplingConfig } from './patch-sampler.ts';

/** Messages between the training loop and its prefetch worker. Pixel buffers are transferred, never copied. */
export interface PrefetchInit {
  type: 'init';
  paths: string[];
  scale: number;
  geometry: PatchGeometry;
  sampling: SamplingConfig;
  seed: number;
  batchSize: number;
  /** HR pixels kept for all photos together (photo-window.ts); TRAINING_PIXEL_BUDGET unless a test sets it. */
  pixelBudget?: number;
  /** A real-photo degradation recipe, applied per sample on the fly; null: the protocol's bicubic, cached per photo. */
  degradation?: Recipe | null;
}

export type ToWorker = PrefetchInit | { type: 'batch'; step: number };

export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  path?: string;
}

export type FromWorker =
  | { type: 'loading'; done: number; total: number }
  /** An image the decoder rejected (corrupt, empty, not an image, unreadable): left out, the run goes on. */
  | { type: 'skipped'; path: string; reason: string }
  /** `cropped`: photos above `windowPixels` (photo-window.ts) that contribute a window of that size. */
  | {
      type: 'ready';
      images: number;
      positions: number;
      /** Images smaller than one patch (with its degradation margin): read, but they give no patch. */
      withoutPatches: number;
      pixels: number;
      cropped: number;
      windowPixels: number;
      /** JPEG photos shrunk to make cleaner targets (recipe.target.jpegSourceDownscale). */
      shrunk: number;
    }
  | { type: 'batch'; step: number; x: Float32Array; target: Float32Array }
  | { type: 'error'; error: SerializedError };
