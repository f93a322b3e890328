import { applyPlans, cropPlanes, type DegradePlan, drawPlan, type PlannedImage, planesToImage, type Recipe } from '../degrade/index.ts';
import { weightedChoice } from '../degrade/kernels.ts';
import { SrError } from '../errors.ts';
import { rgbToY } from '../imaging/colour.ts';
import type { RgbImage } from '../imaging/image.ts';
import { imresize } from '../imaging/matlab-resize.ts';
import { Rng, Stream } from '../seeded-random.ts';
import type { BytePlane } from './byte-plane.ts';
import { dihedralMaps, TRANSFORM_COUNT } from './dihedral.ts';
import type { PatchGeometry } from './patch-geometry.ts';
import type { Batch } from './patch-sampler.ts';
import { TextureCells } from './texture-cells.ts';

/**
 * A patch is cut from a larger low-resolution tile that is degraded with it. The margin keeps the patch clear of the
 * crop's mirrored border (blur, resize) and of its neighbours in a batch's JPEG mosaic, and lets the patch sit at any
 * of the 8 offsets from the JPEG block grid, as it would in a real photo: it starts 2 to 9 pixels into the tile, and
 * at least 2 pixels of tile stay after it. Tiles are whole 16×16 MCUs, so a tile in the batch's mosaic decodes as it
 * would alone (jpeg.ts).
 */
const GRID_PHASES = 8;
const MIN_EDGE = 2;
const MCU = 16;

export function degradeTileSide(lrPatch: number): number {
  return Math.ceil((lrPatch + MIN_EDGE + GRID_PHASES - 1 + MIN_EDGE) / MCU) * MCU;
}

/**
 * Cuts batches of real-photo training samples: per sample, an HR crop of a cached RGB photo is degraded by the recipe
 * on the fly (drawPlan, applyPlans), so no corrupted patch is ever seen twice. The batch for step k is a pure function
 * of (seed, k) and the photo list, like PatchSampler's, so a resumed run replays it.
 *
 * JPEG is the exception to "everything per sample": a batch draws one JPEG setting per stage and encodes its samples
 * together (jpegRoundTripMany), because one encode per crop would cost more than the rest of the degradation.
 * Which samples get a JPEG is still drawn per sample.
 */
export class DegradedSampler {
  private readonly cumulative: Float64Array;
  /** Side of the degraded low-resolution tile a patch is cut from. */
  private readonly tile: number;
  /** Side of the network's input patch in LR pixels. */
  private readonly lrPatch: number;
  /** Photos smaller than one patch with its degradation margin: they give no position, so they do not train. */
  readonly imagesWithoutPatches: number;
  /** Crop positions weighted by their label's texture (`--sampling texture`); undefined: uniform. */
  private readonly texture: TextureCells | undefined;

  constructor(
    private readonly photos: readonly RgbImage[],
    private readonly geometry: PatchGeometry,
    private readonly recipe: Recipe,
    private readonly seed: number,
    private readonly batchSize: number,
    private readonly augment: boolean,
    weighting: 'uniform' | 'texture' = 'uniform',
  ) {
    const { scale, inputKind, inputSize } = geometry;
    this.lrPatch = inputKind === 'lr' ? inputSize : Math.ceil(inputSize / scale);
    if (inputKind === 'upsampled' && inputSize % scale !== 0) {
      throw new SrError(
        'BAD_ARGUMENT',
        `With --degrade, the patch (${inputSize}) must be a multiple of the scale ×${scale}`,
        `Use --patch ${this.lrPatch * scale}.`,
      );
    }
    this.tile = degradeTileSide(this.lrPatch);
    const side = this.tile * scale;
    const spans = photos.map((p) => cropSpan(p, side));
    this.imagesWithoutPatches = spans.filter((span) => span.columns === 0).length;
    if (this.imagesWithoutPatches === photos.length) {
      throw new SrError(
        'TOO_SMALL',
        `No training photo is at least ${side}×${side} pixels, which a ${geometry.inputSize}-pixel patch needs with its degradation margin`,
        'Use a smaller --patch or larger training photos.',
      );
    }
    // Positions are drawn in proportion to each photo's usable area, as uniform sampling over all patches would.
    this.cumulative = new Float64Array(photos.length + 1);
    spans.forEach(({ columns, rows }, i) => {
      this.cumulative[i + 1] = this.cumulative[i] + columns * rows;
    });
    if (weighting === 'texture') this.texture = this.textureCells(spans);
  }

  /**
   * Texture weights over crop positions. The patch sits 2 to 9 LR pixels into its tile (drawn per sample), so a
   * position is scored by the label it gives at the middle of that range. The texture is measured on the clean HR
   * photo, so a patch is drawn for the detail it should end up with, whatever the degradation leaves of it.
   */
  private textureCells(spans: readonly { columns: number; rows: number }[]): TextureCells {
    const { scale, outputSize, labelOffset } = this.geometry;
    const images = this.photos.map((photo, i) => ({ target: bytesOf(roundedY(photo)), ...spans[i] }));
    const middle = (MIN_EDGE + (GRID_PHASES >> 1)) * scale + labelOffset;
    return new TextureCells(images, { factor: 1, offset: middle, size: outputSize });
  }

  /** One crop position: by texture weight, or uniformly over every photo's usable area. */
  private drawCrop(rng: Rng): { photo: number; left: number; top: number } {
    if (!this.texture) return this.locate(rng.int(this.positionCount));
    const { image, ix, iy } = this.texture.draw(rng);
    return { photo: image, left: ix, top: iy };
  }

  /** Distinct HR crop positions (every one is degraded afresh each time it is drawn). */
  get positionCount(): number {
    return this.cumulative[this.photos.length];
  }

  private locate(position: number): { photo: number; left: number; top: number } {
    let lo = 0;
    let hi = this.photos.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    const { columns } = cropSpan(this.photos[lo], this.tile * this.geometry.scale);
    const local = position - this.cumulative[lo];
    return { photo: lo, left: local % columns, top: Math.floor(local / columns) };
  }

  /** One JPEG setting per stage for the whole batch (see the class comment), drawn from its own key. */
  private batchJpeg(step: number): Map<number, { quality: number; chroma: '4:2:0' | '4:4:4' }> {
    const rng = Rng.keyed(this.seed, Stream.degrade, step, 0xffff_ffff);
    const settings = new Map<number, { quality: number; chroma: '4:2:0' | '4:4:4' }>();
    this.recipe.stages.forEach((stage, index) => {
      if (!stage.jpeg) return;
      const [low, high] = stage.jpeg.quality;
      const quality = Math.round(low + (high - low) * rng.next());
      settings.set(index, { quality, chroma: weightedChoice(rng, stage.jpeg.chroma) });
    });
    return settings;
  }

  async batch(step: number): Promise<Batch> {
    const { scale, inputSize, outputSize, labelOffset, inputKind } = this.geometry;
    const b = this.batchSize;
    const rng = Rng.keyed(this.seed, Stream.batch, step);
    const jpeg = this.batchJpeg(step);
    const side = this.tile * scale;
    const items: PlannedImage[] = [];
    const cuts: { photo: number; left: number; top: number; dx: number; dy: number; transform: number }[] = [];
    for (let i = 0; i < b; i++) {
      const at = this.drawCrop(rng);
      const dx = MIN_EDGE + rng.int(GRID_PHASES);
      const dy = MIN_EDGE + rng.int(GRID_PHASES);
      const transform = this.augment ? rng.int(TRANSFORM_COUNT) : 0;
      cuts.push({ ...at, dx, dy, transform });
      const sampleRng = Rng.keyed(this.seed, Stream.degrade, step, i);
      const plan = withBatchJpeg(drawPlan(sampleRng, this.recipe, { width: this.tile, height: this.tile }), jpeg);
      items.push({ image: cropPlanes(this.photos[at.photo], at.left, at.top, side, side), plan, rng: sampleRng });
    }
    const degraded = await applyPlans(items);
    const x = new Float32Array(b * inputSize * inputSize);
    const target = new Float32Array(b * outputSize * outputSize);
    cuts.forEach((cut, i) => {
      // The network sees what a decoded 8-bit photo gives: bytes, then Y rounded as the protocol rounds it.
      const lrY = roundedY(planesToImage(degraded[i]));
      const hr = this.photos[cut.photo];
      const hrY = roundedY(cropRgb(hr, cut.left, cut.top, side));
      const input = inputKind === 'lr' ? lrY : { width: side, height: side, data: roundAll(imresize(lrY, side, side, 'bicubic').data) };
      const inputFactor = inputKind === 'lr' ? 1 : scale;
      copyPatch(input.data, input.width, cut.dx * inputFactor, cut.dy * inputFactor, inputSize, cut.transform, x, i);
      copyPatch(hrY.data, hrY.width, cut.dx * scale + labelOffset, cut.dy * scale + labelOffset, outputSize, cut.transform, target, i);
    });
    return { step, x, target };
  }
}

/** Gives each JPEG a plan kept the batch's setting for its stage (whether to encode at all stays the sample's draw). */
function withBatchJpeg(plan: DegradePlan, jpeg: Map<number, { quality: number; chroma: '4:2:0' | '4:4:4' }>): DegradePlan {
  return { ...plan, stages: plan.stages.map((stage) => (stage.jpeg ? { ...stage, jpeg: jpeg.get(stage.index) ?? stage.jpeg } : stage)) };
}

function cropRgb(image: RgbImage, left: number, top: number, side: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const s = ((top + y) * image.width + left + x) * image.channels;
      const o = (y * side + x) * 3;
      data[o] = image.data[s];
      data[o + 1] = image.data[s + 1];
      data[o + 2] = image.data[s + 2];
    }
  }
  return { width: side, height: side, channels: 3, data };
}

function roundAll(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(data[i])));
  return data;
}

/** The top-left positions of a side×side crop along x and y; none (0 × 0) in a photo smaller than the crop. */
function cropSpan(photo: { width: number; height: number }, side: number): { columns: number; rows: number } {
  const fits = photo.width >= side && photo.height >= side;
  return fits ? { columns: photo.width - side + 1, rows: photo.height - side + 1 } : { columns: 0, rows: 0 };
}

function bytesOf(plane: { width: number; height: number; data: Float32Array }): BytePlane {
  return { width: plane.width, height: plane.height, data: Uint8Array.from(plane.data) };
}

function roundedY(image: RgbImage): { width: number; height: number; data: Float32Array } {
  const y = rgbToY(image);
  roundAll(y.data);
  return y;
}

const INV_255 = 1 / 255;

function copyPatch(
  plane: Float32Array,
  width: number,
  left: number,
  top: number,
  n: number,
  transform: number,
  out: Float32Array,
  slot: number,
): void {
  const map = dihedralMaps(n)[transform];
  const offset = slot * n * n;
  for (let i = 0; i < n * n; i++) {
    const source = map[i];
    const sy = (source / n) | 0;
    const sx = source - sy * n;
    out[offset + i] = plane[(top + sy) * width + left + sx] * INV_255;
  }
}
