import path from 'node:path';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { composeComparison, type LabelledPane } from './compose-comparison.ts';
import { checkUserPath } from './input-paths.ts';
import type { PhotoCache } from './photo-cache.ts';
import { type PreviewMethodRef, type PreviewRequest, type RenderedPreview, renderPreview } from './render-preview.ts';
import { type ImageFileRef, previewCacheDir, pruneTiles, TileWriter } from './tile-files.ts';

export interface PreviewContext {
  stateDir: string;
  photos: PhotoCache;
  resolveModel: (id: string, strength?: number) => Promise<LoadedModel>;
  signal?: AbortSignal;
}

export interface PreviewTile {
  method: PreviewMethodRef;
  image: ImageFileRef;
  seconds: number;
  /** PSNR is null when the pane equals the truth (infinite PSNR): JSON cannot carry Infinity. */
  scores?: { psnr: number | null; ssim: number };
  best?: boolean;
}

export interface PreviewTilesResult {
  source: ImageFileRef;
  truth?: ImageFileRef;
  tiles: PreviewTile[];
}

export function methodLabel(method: PreviewMethodRef): string {
  if (!('model' in method)) return method.interpolation;
  return method.strength === undefined ? method.model : `${method.model} at strength ${method.strength.toFixed(2)}`;
}

function checkedRequest(request: PreviewRequest): PreviewRequest {
  return {
    ...request,
    image: checkUserPath(request.image, 'photo'),
    ...(request.groundTruth ? { groundTruth: checkUserPath(request.groundTruth, 'ground truth') } : {}),
  };
}

/** Renders the panes and writes them as PNG files in the tile cache (`<state>/cache/preview`). */
export async function previewTiles(request: PreviewRequest, context: PreviewContext): Promise<PreviewTilesResult> {
  const rendered = await renderPreview(checkedRequest(request), context);
  const dir = previewCacheDir(context.stateDir);
  const writer = new TileWriter(dir);
  const source = await writer.write('source', rendered.source);
  const truth = rendered.truth ? await writer.write('truth', rendered.truth) : undefined;
  const tiles: PreviewTile[] = [];
  for (const [index, pane] of rendered.panes.entries()) {
    tiles.push({
      method: pane.method,
      image: await writer.write(String(index), pane.image),
      seconds: pane.seconds,
      ...(pane.scores ? { scores: { psnr: Number.isFinite(pane.scores.psnr) ? pane.scores.psnr : null, ssim: pane.scores.ssim } } : {}),
      ...(pane.best !== undefined ? { best: pane.best } : {}),
    });
  }
  void pruneTiles(dir);
  return { source, ...(truth ? { truth } : {}), tiles };
}

function paneLabel(pane: RenderedPreview['panes'][number]): string {
  const name = methodLabel(pane.method);
  if (!pane.scores) return name;
  const psnr = Number.isFinite(pane.scores.psnr) ? `${pane.scores.psnr.toFixed(2)} dB` : '∞ dB';
  return `${pane.best ? '★ ' : ''}${name}  ${psnr} / ${pane.scores.ssim.toFixed(4)}`;
}

/**
 * Writes the comparison as one labelled PNG (panes side by side; in evaluate mode the ground truth first and
 * each pane's PSNR/SSIM in its label, the best one starred), atomically, to a `.png` path the user chose.
 */
export async function exportComparison(request: PreviewRequest & { to: string }, context: PreviewContext): Promise<ImageFileRef> {
  const target = checkUserPath(request.to, 'export', ['.png']);
  const rendered = await renderPreview(checkedRequest(request), context);
  const panes: LabelledPane[] = [
    ...(rendered.truth ? [{ image: rendered.truth, label: `ground truth (${path.basename(request.groundTruth ?? request.image)})` }] : []),
    ...rendered.panes.map((pane) => ({ image: pane.image, label: paneLabel(pane), highlight: pane.best })),
  ];
  const { png, width, height } = await composeComparison(panes);
  await writeFileAtomic(target, png);
  return { path: target, width, height };
}
