import { loadModel } from '../../engine/models/registry.ts';
import { PhotoCache } from '../../engine/preview/photo-cache.ts';
import { exportComparison, type PreviewContext, previewTiles } from '../../engine/preview/preview-service.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';

/** One cache per engine host: dragging the region re-uses the decoded photo (and its degraded copy in evaluate mode). */
const photos = new PhotoCache(2);

function previewContext(context: HandlerContext): PreviewContext {
  return {
    stateDir: context.stateDir,
    photos,
    resolveModel: (id) => loadModel(id, { stateDir: context.stateDir }),
    signal: context.signal,
  };
}

/**
 * The Compare screen's engine side (src/engine/preview): panes come back as PNG files in `<state>/cache/preview`,
 * which the UI loads through its restricted image route (`srs-image://` in Electron, `/api/image` in serve).
 */
export const previewHandlers: HandlerTable = {
  'preview.tiles': async (params, context) => previewTiles(params, previewContext(context)),
  'preview.export': async ({ to, ...params }, context) => ({ image: await exportComparison({ ...params, to }, previewContext(context)) }),
};
