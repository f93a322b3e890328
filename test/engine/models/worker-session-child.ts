// Child process for the worker-session tests. Modes 'finish' and 'cancel': upscales a small photo (cancelling it
// half-way) and then simply returns, without releasing anything. 'prestart-then-fail': starts the spare inference
// worker and ends at once with exit code 3, as a CLI command that fails on its arguments does while that worker is
// still loading the runtime. In every mode the process must exit by itself, with its own exit code.
import { isSrError } from '../../../src/engine/errors.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { prestartInferenceWorker } from '../../../src/engine/models/worker-session.ts';
import { upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { photoLikeImage } from '../../helpers/models-photo.ts';

const [modelPath, stateDir, mode] = process.argv.slice(2);

async function upscaleOnce(): Promise<void> {
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
}

if (mode === 'prestart-then-fail') {
  prestartInferenceWorker();
  // How long the command's own work takes (milliseconds, 4th argument): the test tries several, to meet the worker at
  // every point of its start.
  await new Promise((resolve) => setTimeout(resolve, Number(process.argv[5] ?? 0)));
  process.exitCode = 3;
} else {
  await upscaleOnce();
}
