import { loadModel } from '../../engine/models/registry.ts';
import { modelAtStrength } from '../../engine/models/strength.ts';
import { displayCopy } from '../../engine/preview/display-copy.ts';
import { PhotoCache } from '../../engine/preview/photo-cache.ts';
import { exportComparison, type PreviewContext, previewTiles } from '../../engine/preview/preview-service.ts';
import { samplePhoto } from '../../engine/preview/sample-photo.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';

/** One cache per engine host: dragging the region re-uses the decoded photo (and its degraded copy in evaluate mode). */
const photos = new PhotoCache(2);

function previewContext(context: HandlerContext): PreviewContext {
  return {
    stateDir: context.stateDir,
    photos,
    resolveModel: async (id, strength) => {
      const dirs = { stateDir: context.stateDir };
      const model = await loadModel(id, dirs);
      return strength === undefined ? model : (await modelAtStrength(model, strength, dirs)).model;
    },
    signal: context.signal,
  };
}

/**
 * The Compare screen's and the Upscale screen's preview (src/engine/preview): panes come back as PNG files in `<state>/cache/preview`,
 * which the UI loads through its restricted image route (`srs-image://` in Electron, `/api/image` in serve).
 */
export const previewHandlers: HandlerTable = {
  'preview.tiles': async (params, context) => previewTiles(params, previewContext(context)),
  'preview.samplePhoto': async ({ inputs, recursive }) => ({ photo: (await samplePhoto(inputs, recursive)) ?? null }),
  'preview.display': async ({ image }, context) => ({ image: await displayCopy(image, context.stateDir) }),
  'preview.export': async ({ to, ...params }, context) => ({ image: await exportComparison({ ...params, to }, previewContext(context)) }),
};
