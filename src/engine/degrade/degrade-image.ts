import type { RgbImage } from '../imaging/image.ts';
import { hashText, Rng, Stream } from '../seeded-random.ts';
import { drawPlan } from './draw.ts';
import { applyPlan } from './pipeline.ts';
import { imageToPlanes, planesToImage } from './planes.ts';
import type { Recipe } from './recipe.ts';

/**
 * A whole image degraded by a recipe to `1/scale` of its size (it must be a multiple of the scale), as 8-bit RGB.
 * The draws are keyed by (seed, the image's name), so an image degrades the same way whichever folder or order it
 * is evaluated in, and the same seed always gives the same bytes.
 */
export async function degradeImage(hr: RgbImage, scale: number, recipe: Recipe, seed: number, name: string): Promise<RgbImage> {
  const rng = Rng.keyed(seed, Stream.degrade, hashText(name));
  const plan = drawPlan(rng, recipe, { width: hr.width / scale, height: hr.height / scale });
  return planesToImage(await applyPlan(imageToPlanes(hr), plan, rng));
}
