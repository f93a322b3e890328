import { planeResizer } from '../imaging/matlab-resize.ts';
import { AREA_KERNEL } from '../imaging/resize-kernels.ts';
import type { SeparablePrefilter } from '../imaging/resize-plan.ts';
import type { Rng } from '../seeded-random.ts';
import type { DegradePlan, StagePlan } from './draw.ts';
import { blurPlanes } from './filter.ts';
import { type JpegSpec, jpegRoundTrip, jpegRoundTripMany } from './jpeg.ts';
import { separableTerms } from './low-rank.ts';
import { addNoise } from './noise.ts';
import type { RgbPlanes } from './planes.ts';
import type { ResizeFilter } from './recipe.ts';
import { sharpenPlanes } from './sharpen.ts';

/**
 * Runs a degradation plan: per stage, blur → resize → noise → sharpen → JPEG. Pixels stay float between steps and become
 * bytes only for a JPEG (and when the caller takes the result as an image).
 */

/** Resizes each plane; with `prefilter` (a separable blur), blurs it in the same passes (imresize). */
export function resizePlanes(
  image: RgbPlanes,
  width: number,
  height: number,
  filter: ResizeFilter,
  prefilter?: Float32Array | SeparablePrefilter,
): RgbPlanes {
  if (width === image.width && height === image.height && !prefilter) return image;
  // One plan (and its folded blur) for the three planes.
  const resize = planeResizer(image.width, image.height, width, height, filter === 'area' ? AREA_KERNEL : filter, prefilter);
  return { width, height, planes: image.planes.map(resize) as RgbPlanes['planes'] };
}

/**
 * Blur, then resize. An isotropic Gaussian is folded into the resize (imresize's `prefilter`): at ×4 a crop has 16
 * times as many pixels as its resize, and only what the resize reads is blurred, per output pixel (3× faster for the
 * blur and resize together). The generalized, plateau and sinc kernels are folded too, as the sum of a few separable
 * terms (low-rank.ts), one folded resize each. The anisotropic Gaussian keeps its own three 1-D passes.
 */
function blurAndResize(image: RgbPlanes, stage: StagePlan): RgbPlanes {
  const { blur } = stage;
  const resizes = stage.width !== image.width || stage.height !== image.height;
  if (blur?.separable && resizes) return resizePlanes(image, stage.width, stage.height, stage.filter, blur.separable);
  if (blur && !blur.split && resizes) return sumOfResizes(image, stage, separableTerms(blur.weights, blur.size));
  const blurred = blur ? blurPlanes(image, blur) : image;
  return resizePlanes(blurred, stage.width, stage.height, stage.filter);
}

/** Σ over the terms of the resize with the term folded in: the resize of the image blurred by their sum. */
function sumOfResizes(image: RgbPlanes, stage: StagePlan, terms: readonly SeparablePrefilter[]): RgbPlanes {
  const [first, ...rest] = terms.map((term) => resizePlanes(image, stage.width, stage.height, stage.filter, term));
  for (const term of rest) {
    first.planes.forEach((plane, c) => {
      const add = term.planes[c];
      for (let i = 0; i < plane.length; i++) plane[i] += add[i];
    });
  }
  return first;
}

/** A stage's steps before its JPEG, which the caller runs (alone, or with a whole batch's in one encode). */
function stageBeforeJpeg(image: RgbPlanes, stage: StagePlan, plan: DegradePlan, rng: Rng): RgbPlanes {
  let current = blurAndResize(image, stage);
  if (stage.finish) current = resizePlanes(current, plan.target.width, plan.target.height, stage.finish);
  if (stage.noise) {
    // The noise is added in place: never into the caller's image (a cached photo's crop may be shared).
    if (current === image) current = { ...image, planes: image.planes.map((p) => p.slice()) as RgbPlanes['planes'] };
    addNoise(current, stage.noise, rng);
  }
  if (stage.sharpen) current = sharpenPlanes(current, stage.sharpen);
  return current;
}

/** Degrades one image by its plan; `rng` (the one the plan was drawn from) then draws the noise. */
export async function applyPlan(image: RgbPlanes, plan: DegradePlan, rng: Rng): Promise<RgbPlanes> {
  let current = image;
  for (const stage of plan.stages) {
    current = stageBeforeJpeg(current, stage, plan, rng);
    if (stage.jpeg) current = await jpegRoundTrip(current, stage.jpeg);
  }
  return current;
}

export interface PlannedImage {
  image: RgbPlanes;
  plan: DegradePlan;
  rng: Rng;
}

function jpegKey(spec: JpegSpec): string {
  return `${spec.quality}/${spec.chroma}`;
}

/**
 * Degrades many images (a training batch) stage by stage, with all JPEGs of one setting in a stage encoded together
 * (jpegRoundTripMany). Each image's result is what `applyPlan` gives it, except within a pixel or two of its edges.
 */
export async function applyPlans(items: readonly PlannedImage[]): Promise<RgbPlanes[]> {
  const current = items.map((item) => item.image);
  const stageCount = Math.max(0, ...items.map((item) => item.plan.stages.length));
  for (let s = 0; s < stageCount; s++) {
    const groups = new Map<string, { spec: JpegSpec; members: number[] }>();
    items.forEach((item, i) => {
      const stage = item.plan.stages[s];
      if (!stage) return;
      current[i] = stageBeforeJpeg(current[i], stage, item.plan, item.rng);
      if (!stage.jpeg) return;
      const key = jpegKey(stage.jpeg);
      const group = groups.get(key) ?? { spec: stage.jpeg, members: [] };
      group.members.push(i);
      groups.set(key, group);
    });
    for (const { spec, members } of groups.values()) {
      const encoded = await jpegRoundTripMany(
        members.map((i) => current[i]),
        spec,
      );
      members.forEach((i, n) => {
        current[i] = encoded[n];
      });
    }
  }
  return current;
}
