import { SrError } from '../errors.ts';
import { Rng, Stream } from '../seeded-random.ts';
import type { BytePlane } from './byte-plane.ts';
import { dihedralMaps, TRANSFORM_COUNT } from './dihedral.ts';
import { inputFactor, type PatchGeometry } from './patch-geometry.ts';
import { type PatchPosition, patchLabelWindow, TextureCells } from './texture-cells.ts';

// In its own file so that texture-cells.ts can use it without importing this one (which imports texture-cells.ts).
export type { BytePlane } from './byte-plane.ts';

/** One training image, decoded and degraded once: HR Y (label) and the network's input plane (LR or pre-upsampled). */
export interface TrainingPair {
  target: BytePlane;
  input: BytePlane;
}

/**
 * `texture`: any position, drawn with replacement, weighted by the texture of its label (texture-cells.ts);
 * `uniform`: any position, drawn with replacement, all equally likely; `stride`: the paper's fixed sub-images,
 * shuffled per epoch.
 */
export type SamplingMode = 'texture' | 'uniform' | 'stride';

export interface SamplingConfig {
  mode: SamplingMode;
  /** HR pixels between sub-images in `stride` mode (14 in SRCNN). */
  stride: number;
  /** Random flips and 90° rotations. */
  augment: boolean;
}

export interface Batch {
  step: number;
  /** [batch, 1, inputSize, inputSize] in [0, 1]. */
  x: Float32Array;
  /** [batch, 1, outputSize, outputSize] in [0, 1]. */
  target: Float32Array;
}

/**
 * Cuts batches out of cached images. The batch for step k is a pure function of (seed, k) and the image list,
 * so the prefetch worker computes it without any state shared with the loop, and a resumed run replays it.
 */
export class PatchSampler {
  /** Per image: how many positions along x and y (at the sampling stride). */
  private readonly columns: Uint32Array;
  private readonly rows: Uint32Array;
  /** Cumulative position counts: image i owns global positions [starts[i], starts[i+1]). */
  private readonly starts: Float64Array;
  private readonly strideIn: number;
  private readonly texture: TextureCells | undefined;
  private epochCache: { epoch: number; order: Uint32Array } | undefined;

  constructor(
    private readonly pairs: readonly TrainingPair[],
    private readonly geometry: PatchGeometry,
    private readonly sampling: SamplingConfig,
    private readonly seed: number,
    private readonly batchSize: number,
  ) {
    const factor = inputFactor(geometry);
    this.strideIn = sampling.mode === 'stride' ? Math.max(1, Math.round(sampling.stride / factor)) : 1;
    this.columns = new Uint32Array(pairs.length);
    this.rows = new Uint32Array(pairs.length);
    this.starts = new Float64Array(pairs.length + 1);
    for (let i = 0; i < pairs.length; i++) {
      const { input } = pairs[i];
      const spareX = input.width - geometry.inputSize;
      const spareY = input.height - geometry.inputSize;
      this.columns[i] = spareX < 0 ? 0 : Math.floor(spareX / this.strideIn) + 1;
      this.rows[i] = spareY < 0 ? 0 : Math.floor(spareY / this.strideIn) + 1;
      this.starts[i + 1] = this.starts[i] + this.columns[i] * this.rows[i];
    }
    if (this.positionCount === 0) {
      throw new SrError(
        'TOO_SMALL',
        `No training image is large enough for ${geometry.inputSize}×${geometry.inputSize} input patches`,
        'Use a smaller --patch or larger training images.',
      );
    }
    if (sampling.mode === 'texture') {
      const images = pairs.map((pair, i) => ({ target: pair.target, columns: this.columns[i], rows: this.rows[i] }));
      this.texture = new TextureCells(images, patchLabelWindow(geometry));
    }
  }

  /** Images smaller than one patch: they give no position, so they do not train. */
  get imagesWithoutPatches(): number {
    let count = 0;
    for (let i = 0; i < this.pairs.length; i++) if (this.starts[i + 1] === this.starts[i]) count += 1;
    return count;
  }

  /** Distinct patch positions (sub-images in `stride` mode). */
  get positionCount(): number {
    return this.starts[this.pairs.length];
  }

  /** Samples per pass over all sub-images (meaningful in `stride` mode). */
  get epochSize(): number {
    return this.positionCount;
  }

  batch(step: number): Batch {
    const { inputSize, outputSize } = this.geometry;
    const b = this.batchSize;
    const x = new Float32Array(b * inputSize * inputSize);
    const target = new Float32Array(b * outputSize * outputSize);
    const rng = Rng.keyed(this.seed, Stream.batch, step);
    for (let i = 0; i < b; i++) {
      const position = this.draw(rng, step * b + i);
      const transform = this.sampling.augment ? rng.int(TRANSFORM_COUNT) : 0;
      this.cut(position, transform, x, i, target);
    }
    return { step, x, target };
  }

  /** Where sample n of the run (drawn with `rng`, the batch's generator) is cut. */
  private draw(rng: Rng, n: number): PatchPosition {
    if (this.texture) return this.texture.draw(rng);
    return this.locate(this.sampling.mode === 'stride' ? this.stridePosition(n) : rng.int(this.positionCount));
  }

  /** Sample n of the run walks a fresh permutation of all sub-images each epoch. */
  private stridePosition(n: number): number {
    const count = this.positionCount;
    const epoch = Math.floor(n / count);
    if (this.epochCache?.epoch !== epoch) {
      this.epochCache = { epoch, order: Rng.keyed(this.seed, Stream.epoch, epoch).permutation(count) };
    }
    return this.epochCache.order[n % count];
  }

  private locate(position: number): PatchPosition {
    // Binary search for the image owning this global position.
    let lo = 0;
    let hi = this.pairs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    const local = position - this.starts[lo];
    const columns = this.columns[lo];
    return { image: lo, ix: (local % columns) * this.strideIn, iy: Math.floor(local / columns) * this.strideIn };
  }

  private cut(position: PatchPosition, transform: number, x: Float32Array, slot: number, target: Float32Array): void {
    const { inputSize, outputSize, labelOffset } = this.geometry;
    const factor = inputFactor(this.geometry);
    const { image, ix, iy } = position;
    const pair = this.pairs[image];
    copyPatch(pair.input, ix, iy, inputSize, dihedralMaps(inputSize)[transform], x, slot * inputSize * inputSize);
    copyPatch(
      pair.target,
      ix * factor + labelOffset,
      iy * factor + labelOffset,
      outputSize,
      dihedralMaps(outputSize)[transform],
      target,
      slot * outputSize * outputSize,
    );
  }
}

const INV_255 = 1 / 255;

function copyPatch(plane: BytePlane, left: number, top: number, n: number, map: Uint32Array, out: Float32Array, offset: number): void {
  const { width, data } = plane;
  for (let i = 0; i < n * n; i++) {
    const source = map[i];
    const sy = (source / n) | 0;
    const sx = source - sy * n;
    out[offset + i] = data[(top + sy) * width + left + sx] * INV_255;
  }
}
