import { degradeImage } from '../degrade/degrade-image.ts';
import type { RgbImage } from '../imaging/image.ts';
import { degrade, type EvalDegradation } from './protocol.ts';

/**
 * The input an evaluation reconstructs from: the protocol's bicubic by default, else the recipe's degradation. Apart
 * from protocol.ts, which `--help` reads: the degradations load sharp.
 */
export async function lowResolutionInput(
  hr: RgbImage,
  scale: number,
  name: string,
  degradation?: EvalDegradation | null,
): Promise<RgbImage> {
  if (!degradation) return degrade(hr, scale);
  return degradeImage(hr, scale, degradation.recipe, degradation.seed, name);
}
