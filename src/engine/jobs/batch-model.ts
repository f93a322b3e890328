import fs from 'node:fs';
import type { LoadedModel } from '../models/loaded-model.ts';
import { modelAtPrecision, type PrecisionChoice } from '../models/precision.ts';
import { defaultModelFor, loadModel } from '../models/registry.ts';
import { DEFAULT_STRENGTH, modelAtStrength } from '../models/strength.ts';
import { ModelsRepo } from '../store/models-repo.ts';
import type { Store } from '../store/store.ts';
import type { UpscaleRequest } from './upscale-request.ts';

/**
 * The batch's only contact with the model zoo, so the runner does not depend on its details.
 * A job records the model's file path, so a resume runs the very same model even if the default changed since.
 * Without a model: the user's default for the scale (set in the Models screen, kept in the store), else the bundled
 * default (the photo model for the scale: registry.ts), so the CLI and the desktop app pick the same model.
 */
export async function resolveBatchModel(ref: string | undefined, requestedScale: number | undefined, store: Store): Promise<LoadedModel> {
  const stateDir = store.dir;
  if (ref !== undefined) return loadModel(ref, { stateDir });
  // Non-native factors (1.5, ×8, a target width) are reached by the upscaler from the nearest native model.
  const native = Math.min(4, Math.max(2, Math.ceil(requestedScale ?? 2)));
  const chosen = new ModelsRepo(store).defaultFor(native);
  if (chosen && fs.existsSync(chosen.path)) return loadModel(chosen.path, { stateDir });
  return defaultModelFor(native, { stateDir });
}

/**
 * The model a new batch runs: the one asked for (or the default for the scale) at the requested precision
 * (models/precision.ts). The job then records that file, so a resume runs it again whatever the defaults say.
 */
export async function resolveRequestModel(request: UpscaleRequest, store: Store): Promise<PrecisionChoice> {
  const dirs = { stateDir: store.dir };
  const named = await resolveBatchModel(request.model, request.scale, store);
  // A blend of strengths is a float32 model of its own (no int8 variant is calibrated for it); strength 0 is the clean
  // parent, which may have one.
  const { model, note } = await modelAtStrength(named, request.strength ?? DEFAULT_STRENGTH, dirs);
  const chosen = await modelAtPrecision(model, request.precision ?? 'auto', dirs);
  return { model: chosen.model, note: [note, chosen.note].filter(Boolean).join(' ') || undefined };
}
