import { performance } from 'node:perf_hooks';
import { SrError } from '../errors.ts';
import { dropAlpha } from '../imaging/alpha-channel.ts';
import type { RgbImage } from '../imaging/image.ts';
import { scoreImages } from '../metrics/score.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { degradedSize, degradedWindow } from './degraded-window.ts';
import type { PhotoCache } from './photo-cache.ts';
import { assertRegionInside, cropImage, padRegion, type Rect } from './region.ts';
import { type PaneMethod, type PreviewInterpolation, paneContext, renderPane } from './render-pane.ts';

/** A method as the contract names it: a model by id (a photo model at a restoration strength, 0..1), or a baseline. */
export type PreviewMethodRef = { model: string; strength?: number } | { interpolation: PreviewInterpolation };

export interface PreviewRequest {
  /** The photo to upscale; with `evaluate`, the ground truth that is degraded first. */
  image: string;
  /** In source pixels: the photo's own pixels, or in evaluate mode the degraded (low-resolution) photo's. */
  region: Rect;
  scale: number;
  methods: PreviewMethodRef[];
  /** Ground truth to degrade and score against; `evaluate` alone uses `image` itself as the truth. */
  groundTruth?: string;
  evaluate?: boolean;
}

export interface PaneScore {
  /** Infinity when the pane equals the truth exactly. */
  psnr: number;
  ssim: number;
}

export interface RenderedPane {
  method: PreviewMethodRef;
  image: RgbImage;
  seconds: number;
  scores?: PaneScore;
  best?: boolean;
}

export interface RenderedPreview {
  /** The source region that every pane upscales (low-resolution). */
  source: RgbImage;
  /** The ground-truth region, in evaluate mode. */
  truth?: RgbImage;
  panes: RenderedPane[];
}

export interface PreviewDeps {
  photos: PhotoCache;
  /** The model to run for an id; with a strength, the blend of that photo model and its clean partner (models/strength.ts). */
  resolveModel: (id: string, strength?: number) => Promise<LoadedModel>;
  signal?: AbortSignal;
}

/**
 * Renders one region with several methods. In evaluate mode the photo is first modcropped and degraded with the
 * SR protocol (MATLAB bicubic ↓scale, computed only around the region: degraded-window.ts), each pane
 * upscales the degraded region, and is scored against the same region of the original on Y with shave = scale,
 * as the protocol does for whole images; the pane with the highest PSNR (then SSIM) is marked best.
 */
export async function renderPreview(request: PreviewRequest, deps: PreviewDeps): Promise<RenderedPreview> {
  const { region, scale } = request;
  const truthPath = request.groundTruth ?? (request.evaluate ? request.image : undefined);
  const methods = await Promise.all(request.methods.map((method) => toPaneMethod(method, deps)));

  // Every pane works on `lowRes` around `local` (the region inside it): in evaluate mode that is only a window of
  // the degraded photo, wide enough for the widest method, so a 24 MP photo is never degraded whole.
  let lowRes: RgbImage;
  let local: Rect;
  let truth: RgbImage | undefined;
  if (truthPath) {
    const photo = (await deps.photos.get(truthPath)).photo.image;
    const size = degradedSize(photo, scale);
    assertRegionInside(region, size.width, size.height, `${truthPath} degraded ×${scale}`);
    const window = padRegion(region, Math.max(...methods.map(paneContext)), size.width, size.height);
    lowRes = degradedWindow(photo, scale, window);
    local = { ...region, x: region.x - window.x, y: region.y - window.y };
    truth = dropAlpha(
      cropImage(photo, { x: region.x * scale, y: region.y * scale, width: region.width * scale, height: region.height * scale }),
    );
  } else {
    lowRes = (await deps.photos.get(request.image)).photo.image;
    assertRegionInside(region, lowRes.width, lowRes.height, request.image);
    local = region;
  }

  const panes: RenderedPane[] = [];
  // One pane at a time: each already uses every core (ORT threads, libvips threads).
  for (const [index, method] of methods.entries()) {
    if (deps.signal?.aborted) throw new SrError('CANCELLED', 'The preview was cancelled');
    const started = performance.now();
    const image = await renderPane(lowRes, local, scale, method, deps.signal);
    const seconds = (performance.now() - started) / 1000;
    const scores = truth ? scoreImages(dropAlpha(image), truth, scale) : undefined;
    panes.push({ method: request.methods[index], image, seconds, ...(scores ? { scores } : {}) });
  }
  if (truth) markBest(panes);
  return { source: cropImage(lowRes, local), truth, panes };
}

async function toPaneMethod(method: PreviewMethodRef, deps: PreviewDeps): Promise<PaneMethod> {
  return 'model' in method ? { model: await deps.resolveModel(method.model, method.strength) } : method;
}

function markBest(panes: RenderedPane[]): void {
  let best: RenderedPane | undefined;
  for (const pane of panes) {
    if (!pane.scores) continue;
    if (
      !best?.scores ||
      pane.scores.psnr > best.scores.psnr ||
      (pane.scores.psnr === best.scores.psnr && pane.scores.ssim > best.scores.ssim)
    ) {
      best = pane;
    }
  }
  for (const pane of panes) pane.best = pane === best;
}
