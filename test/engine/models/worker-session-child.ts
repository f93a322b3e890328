// Child process for the worker-session tests: upscales a small photo (optionally cancelling it half-way) and
// then simply returns, without releasing anything. The process must exit by itself: a cached inference worker
// may not keep it alive.
import { isSrError } from '../../../src/engine/errors.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { photoLikeImage } from '../../helpers/models-photo.ts';

const [modelPath, stateDir, mode] = process.argv.slice(2);
const model = await loadModel(modelPath, { stateDir });
const controller = new AbortController();
try {
  const out = await upscalePhoto(
    { image: photoLikeImage(60, 40), metadata: { format: 'png' } },
    {
      model,
      device: 'cpu',
      tile: 8,
      batch: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (mode === 'cancel' && p.done >= 2) controller.abort();
      },
    },
  );
  process.stdout.write(`${JSON.stringify({ width: out.width, height: out.height })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ code: isSrError(error) ? error.code : String(error) })}\n`);
}
