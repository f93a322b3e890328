import type { EvalMethod } from '../eval/protocol.ts';
import { resolveStateDir } from '../store/state-dir.ts';
import { upscalePhoto } from '../upscale/upscale-photo.ts';
import type { Device } from './execution-providers.ts';
import type { LoadedModel } from './loaded-model.ts';
import { loadModel } from './registry.ts';
import { modelAtStrength } from './strength.ts';

export interface EvalMethodOptions {
  stateDir?: string;
  builtinDir?: string;
  device?: Device;
  /** Restoration strength (0..1) for a photo model: the blend with its clean partner is what gets scored. */
  strength?: number;
  onNotice?: (message: string) => void;
}

/**
 * A model (id or path) as an evaluation method: the protocol's LR image goes through the same photo
 * pipeline users get (Y through the model, CbCr bicubic, tiled), to exactly hrWidth×hrHeight. A model whose
 * native scale differs from the evaluated one runs by the non-native rule (repeat, then lanczos3 down).
 */
export async function resolveModelEvalMethod(idOrPath: string, scale: number, options: EvalMethodOptions = {}): Promise<EvalMethod> {
  const dirs = { stateDir: options.stateDir ?? resolveStateDir(), builtinDir: options.builtinDir };
  const loaded = await loadModel(idOrPath, dirs);
  const model = options.strength === undefined ? loaded : (await modelAtStrength(loaded, options.strength, dirs)).model;
  return {
    name: modelMethodName(model, scale),
    reconstruct: (lr, _scale, hrWidth, hrHeight) =>
      upscalePhoto(
        { image: lr, metadata: { format: 'raw' } },
        {
          model,
          width: hrWidth,
          height: hrHeight,
          device: options.device,
          onProgress: (p) => p.note && p.total === 0 && options.onNotice?.(p.note),
        },
      ),
  };
}

/** How results name a model method: its id, plus the scale rule when it runs at a scale it was not trained for. */
export function modelMethodName(model: LoadedModel, scale: number): string {
  return model.meta.scale === scale ? model.meta.id : `${model.meta.id} (×${model.meta.scale} run at ×${scale})`;
}
