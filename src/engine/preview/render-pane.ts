import { resizeBaseline } from '../imaging/baseline-resize.ts';
import type { RgbImage } from '../imaging/image.ts';
import { imresizeRgb } from '../imaging/matlab-resize.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { upscalePhoto } from '../upscale/upscale-photo.ts';
import { cropImage, padRegion, type Rect } from './region.ts';

export type PreviewInterpolation = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'matlab-bicubic';

/** One pane's recipe: a baseline resampler, or a model already resolved from its id. */
export type PaneMethod = { interpolation: PreviewInterpolation } | { model: LoadedModel };

/** Lanczos3 reaches 3 source pixels out, MATLAB's bicubic 2; 4 covers every baseline exactly. */
const INTERPOLATION_PAD = 4;
/** Beyond the model's declared receptive radius, a margin for the bicubic pre-upsampling of Y-input models. */
const MODEL_EXTRA_PAD = 4;
/** Largest single tile side (model-input pixels) before the region is split into several tiles. */
const MAX_SINGLE_TILE = 768;

/** Source pixels a method needs around the region to render it as the whole-photo run would. */
export function paneContext(method: PaneMethod): number {
  return 'model' in method ? method.model.meta.halo + MODEL_EXTRA_PAD : INTERPOLATION_PAD;
}

/**
 * Renders `region` of `source` upscaled ×`scale` by one method, computing only the region plus the context its
 * kernel or receptive field needs, so the cost depends on the region and not on the photo. Interior regions
 * match the whole-photo result (integer scale: the padded crop starts on a source pixel, so the sampling grid
 * is the same); at the photo's border the padding is clipped and the method handles the edge as it always does.
 */
export async function renderPane(
  source: RgbImage,
  region: Rect,
  scale: number,
  method: PaneMethod,
  signal?: AbortSignal,
): Promise<RgbImage> {
  const pad = paneContext(method);
  const window = padRegion(region, pad, source.width, source.height);
  const crop = cropImage(source, window);
  const outWidth = window.width * scale;
  const outHeight = window.height * scale;
  let upscaled: RgbImage;
  if ('model' in method) {
    // One tile covering the whole window when it fits (a preview region is small): a batch of default-size tiles
    // would pad a 110 px window to 4×256² and run the model on mostly nothing.
    const side = method.model.meta.inputKind === 'upsampled' ? Math.max(outWidth, outHeight) : Math.max(window.width, window.height);
    upscaled = await upscalePhoto(
      { image: crop, metadata: { format: 'raw' } },
      { model: method.model, width: outWidth, height: outHeight, tile: Math.min(side, MAX_SINGLE_TILE), batch: 1, signal },
    );
  } else if (method.interpolation === 'matlab-bicubic') {
    upscaled = imresizeRgb(crop, outWidth, outHeight, 'bicubic');
  } else {
    upscaled = await resizeBaseline(crop, outWidth, outHeight, method.interpolation);
  }
  return cropImage(upscaled, {
    x: (region.x - window.x) * scale,
    y: (region.y - window.y) * scale,
    width: region.width * scale,
    height: region.height * scale,
  });
}
