import { basename } from 'node:path';
import { degradeImage, type Recipe } from '../degrade/index.ts';
import { isSrError, SrError } from '../errors.ts';
import { degrade, modcrop } from '../eval/protocol.ts';
import { rgbToY, roundPlane } from '../imaging/colour.ts';
import { cropImage } from '../imaging/crop-image.ts';
import { decodePhoto } from '../imaging/decode.ts';
import type { Plane, RgbImage } from '../imaging/image.ts';
import { imresize, imresizeRgb } from '../imaging/matlab-resize.ts';
import { rgbWithTransparentFilled } from '../imaging/transparent-fill.ts';
import { psnr, scoreImages, ssim } from '../metrics/index.ts';
import { photoWindow, VALIDATION_WINDOW } from './photo-window.ts';

/** One validation image, prepared once: the model's input plane, the HR Y to score against, and bicubic's score. */
interface ValidationImage {
  name: string;
  /** [0,1], LR or pre-upsampled Y, as training saw it. */
  input: Plane;
  /** HR Y rounded to integers, [0,255]. */
  hrY: Plane;
  bicubic: { psnr: number; ssim: number };
}

export interface Score {
  psnr: number;
  ssim: number;
}

/** Runs the current weights on one input plane and returns the output plane in [0,1] (unclipped). */
export type Reconstruct = (input: Plane) => Promise<Plane>;

function scaled(plane: Plane, factor: number): Plane {
  const data = new Float32Array(plane.data.length);
  for (let i = 0; i < data.length; i++) data[i] = plane.data[i] * factor;
  return { width: plane.width, height: plane.height, data };
}

/**
 * A validation set scored with the SR protocol: HR modcropped, LR by the protocol's `degrade` (MATLAB bicubic on
 * RGB, uint8), PSNR/SSIM on rounded Y with shave = scale. Bicubic is scored on the same images, once.
 */
export class ValidationSet {
  private constructor(
    private readonly images: ValidationImage[],
    readonly scale: number,
    readonly bicubic: Score,
    /** Photos above VALIDATION_WINDOW pixels, scored on their centre window. */
    readonly cropped: number,
  ) {}

  /**
   * Images the decoder rejects, and images too small to score at this scale, are left out and reported to
   * `onSkipped`; none usable at all is an error.
   */
  static async load(
    paths: string[],
    scale: number,
    inputKind: 'upsampled' | 'lr',
    onSkipped: (path: string, reason: string) => void = () => {},
    /** A real-photo recipe: each image is degraded by it once, keyed by the seed and its name; none: the protocol. */
    degradation?: { recipe: Recipe; seed: number },
  ): Promise<ValidationSet> {
    const images: ValidationImage[] = [];
    let cropped = 0;
    for (const path of paths) {
      let photo: RgbImage;
      try {
        photo = rgbWithTransparentFilled((await decodePhoto(path)).image);
      } catch (error) {
        if (!isSrError(error)) throw error;
        onSkipped(path, error.message);
        continue;
      }
      try {
        images.push(await prepareImage(path, photo, scale, inputKind, degradation));
      } catch (error) {
        if (!isSrError(error) || error.code !== 'TOO_SMALL') throw error;
        onSkipped(path, `${error.message} (scored at ×${scale})`);
        continue;
      }
      // Whole camera photos would make each validation round slow and memory-hungry: their centre window is scored.
      if (photo.width * photo.height > VALIDATION_WINDOW) cropped += 1;
    }
    if (images.length === 0) {
      throw new SrError(
        'NO_IMAGES',
        `None of the ${paths.length} validation image(s) could be read and scored`,
        'Each was skipped for the reason given above; pass --val a folder or data set with readable photos.',
      );
    }
    return new ValidationSet(images, scale, mean(images.map((i) => i.bicubic)), cropped);
  }

  get size(): number {
    return this.images.length;
  }

  /** Every image's model input plane in [0,1] (LR or pre-upsampled Y): what int8 calibration cuts its patches from. */
  get inputs(): Plane[] {
    return this.images.map((i) => i.input);
  }

  /** The first image as prepared for scoring (input in [0,1], HR Y in [0,255]), for a visual sample. */
  get first(): { name: string; input: Plane; hrY: Plane } | undefined {
    return this.images[0];
  }

  /** Mean PSNR/SSIM of the model over the set. */
  async score(reconstruct: Reconstruct): Promise<Score> {
    const scores: Score[] = [];
    for (const image of this.images) {
      const out = await reconstruct(image.input);
      const y = roundPlane(scaled(out, 255));
      scores.push({ psnr: psnr(y, image.hrY, this.scale), ssim: ssim(y, image.hrY, this.scale) });
    }
    return mean(scores);
  }
}

/** The HR window to score, the model's input made from it as training makes it, and bicubic's score. */
async function prepareImage(
  path: string,
  photo: RgbImage,
  scale: number,
  inputKind: 'upsampled' | 'lr',
  degradation: { recipe: Recipe; seed: number } | undefined,
): Promise<ValidationImage> {
  const hr = modcrop(cropImage(photo, photoWindow(photo.width, photo.height, VALIDATION_WINDOW, 'centre')), scale);
  const lr = degradation ? await degradeImage(hr, scale, degradation.recipe, degradation.seed, basename(path)) : degrade(hr, scale);
  // Scoring shaves `scale` pixels per border: an image with nothing left is refused here (TOO_SMALL), not mid-run.
  const bicubic = scoreImages(imresizeRgb(lr, hr.width, hr.height, 'bicubic'), hr, scale);
  const lrY = roundPlane(rgbToY(lr));
  const input = inputKind === 'lr' ? lrY : roundPlane(imresize(lrY, hr.width, hr.height, 'bicubic'));
  return { name: basename(path), input: scaled(input, 1 / 255), hrY: roundPlane(rgbToY(hr)), bicubic };
}

function mean(scores: Score[]): Score {
  const n = Math.max(1, scores.length);
  return { psnr: scores.reduce((a, s) => a + s.psnr, 0) / n, ssim: scores.reduce((a, s) => a + s.ssim, 0) / n };
}
