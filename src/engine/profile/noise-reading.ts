import { jpegRoundTripMany } from '../degrade/jpeg.ts';
import { cropPlanes, planesToImage } from '../degrade/planes.ts';
import type { RgbImage } from '../imaging/image.ts';
import { type AnalysisTile, analysisTiles } from './analysis-tiles.ts';
import { gaussianBlur } from './gaussian-blur.ts';
import type { JpegLook } from './jpeg-look.ts';
import { type FlatBlock, flatBlocks, type RawNoise, readBlocks } from './noise-level.ts';

/**
 * A photo's noise reading, less what its texture reads. In a natural photo even the flattest blocks have some fine
 * texture, and a JPEG turns texture into ringing and block edges that Immerkær's mask reads as noise: a clean
 * photo saved at quality 90 would read like noise of σ 3 or more on a perfectly smooth scene. So the photo's tiles
 * are also blurred (by σ 1 px for luma and 2 px for chroma, which is read at half resolution: enough to remove
 * noise far more than texture) and sent through the same JPEG: what that reference reads on the photo's own flattest
 * blocks is texture and the JPEG's artefacts, and only the rest, √(reading² − reference²), counts as noise. The
 * calibration (calibration.ts) measures its scenes the same way.
 */
const REFERENCE_BLUR = { luma: 1, chroma: 2 };

export interface NoiseReading {
  /** The photo's reading less its texture's, per channel. */
  noise: RawNoise;
  /** What the texture (and the JPEG's artefacts on it) read: noise below this cannot be told apart from it. */
  texture: RawNoise;
}

/** The photo's tiles blurred by σ and sent through its JPEG, read on `blocks`. */
async function referenceReading(
  image: RgbImage,
  tiles: readonly AnalysisTile[],
  blocks: readonly FlatBlock[],
  sigma: number,
  jpeg: JpegLook,
): Promise<RawNoise> {
  const blurred = tiles.map((t) => gaussianBlur(cropPlanes(image, t.left, t.top, t.width, t.height), sigma));
  const references = jpeg ? await jpegRoundTripMany(blurred, jpeg) : blurred;
  return readBlocks(
    references.map((r) => analysisTiles(planesToImage(r), Number.POSITIVE_INFINITY)[0]),
    blocks,
  );
}

/** √(value² − share²): what is left of a reading once an independent part of it is taken out (0 at the least). */
export function withoutShare(value: number, share: number): number {
  return Math.sqrt(Math.max(0, value * value - share * share));
}

export async function noiseReading(image: RgbImage, tiles: readonly AnalysisTile[], jpeg: JpegLook): Promise<NoiseReading | undefined> {
  const blocks = flatBlocks(tiles);
  if (!blocks) return undefined;
  const raw = readBlocks(tiles, blocks);
  const luma = await referenceReading(image, tiles, blocks, REFERENCE_BLUR.luma, jpeg);
  const chroma = await referenceReading(image, tiles, blocks, REFERENCE_BLUR.chroma, jpeg);
  const texture = { y: luma.y, cb: chroma.cb, cr: chroma.cr, blocks: raw.blocks };
  return {
    noise: {
      y: withoutShare(raw.y, texture.y),
      cb: withoutShare(raw.cb, texture.cb),
      cr: withoutShare(raw.cr, texture.cr),
      blocks: raw.blocks,
    },
    texture,
  };
}
