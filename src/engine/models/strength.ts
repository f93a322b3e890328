import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelMeta } from '../../shared/model-meta.ts';
import { fromFsError, SrError } from '../errors.ts';
import { hashBytes } from '../hash-file.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { ModelDirs } from './model-dirs.ts';
import { readModelMeta } from './model-meta-io.ts';
import { loadModel } from './registry.ts';

/**
 * Restoration strength by network interpolation (as Real-ESRGAN's denoise strength): a photo model and the clean model
 * it was fine-tuned from share one architecture, so every weight can be blended, θ = s·θ_photo + (1 − s)·θ_clean.
 * Strength 1 keeps everything the photo model removes away (blocks, noise); 0 is the clean model, which keeps grain
 * and texture; in between costs nothing at run time: the blend is one more model of the same size.
 */
export const DEFAULT_STRENGTH = 1;

export interface StrengthChoice {
  model: LoadedModel;
  note?: string;
}

/** Strength is kept to two decimals: finer steps are invisible, and each one would be another cached file. */
export function roundStrength(strength: number): number {
  return Math.round(strength * 100) / 100;
}

export function checkStrength(strength: number): number {
  if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Strength must be between 0 and 1, not ${strength}`,
      'Use 0 (keep everything) to 1 (full clean-up), e.g. --strength 0.5.',
    );
  }
  return roundStrength(strength);
}

/**
 * The clean end of a model's strength scale: its nearest warm-start ancestor that is installed, was not trained on
 * degraded inputs, and blends with it (same architecture, or a shallower FSRCNN of the same widths). A photo model
 * fine-tuned in stages (from a clean model, then from its own earlier self) still finds the clean model at the start.
 * Undefined when there is none: strength does not apply to that model.
 */
export async function strengthPartner(model: LoadedModel, dirs: ModelDirs): Promise<LoadedModel | undefined> {
  // Strength is how much of a photo model's clean-up to keep: a model not trained on degradations has none to blend.
  if (model.meta.quantizedFrom || !model.meta.degradation) return undefined;
  for (const ancestor of model.meta.lineage ?? []) {
    // A model retrained under its own id (the bundled FSRCNNs) names itself: that is no partner.
    if (ancestor.id === model.meta.id) continue;
    const partner = await loadModel(ancestor.id, dirs).catch(() => undefined);
    if (!partner || partner.meta.degradation || partner.meta.quantizedFrom || partner.meta.scale !== model.meta.scale) continue;
    if (sameShape(partner.meta.architecture, model.meta.architecture)) return partner;
  }
  return undefined;
}

/**
 * Whether two architectures blend: the same, or an FSRCNN with ReLU grown from its parent, deeper and/or with more
 * mapping channels: the parent's missing mapping layers blend as the identity they started from
 * (identity-mapping.ts), and its narrower layers as the same layers widened with zeros (widening.ts).
 */
function sameShape(partner: string, model: string): boolean {
  if (partner === model) return true;
  const fsrcnn = /^fsrcnn-(\d+)-(\d+)-(\d+)(-res)?-relu-x(\d+)$/;
  const [a, b] = [fsrcnn.exec(partner), fsrcnn.exec(model)];
  return !!a && !!b && a[1] === b[1] && a[4] === b[4] && a[5] === b[5] && Number(a[2]) <= Number(b[2]) && Number(a[3]) <= Number(b[3]);
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw fromFsError(error, file, 'read');
  }
}

/**
 * The model to run for `model` at `strength`: the model itself at 1, its clean partner at 0, else a blend of the two,
 * written once to the state folder's cache (keyed by both files' contents and the strength) and reused after.
 */
export async function modelAtStrength(model: LoadedModel, strength: number, dirs: ModelDirs): Promise<StrengthChoice> {
  const s = checkStrength(strength);
  if (s === 1) return { model };
  const partner = await strengthPartner(model, dirs);
  if (!partner) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${model.meta.id} has no clean model to blend with, so --strength does not apply to it`,
      'Strength works with the photo models (photo-x2, photo-x3, photo-x4) and other models fine-tuned from a model of the same architecture; leave --strength out for this one.',
    );
  }
  if (s === 0) return { model: partner, note: `Strength 0 runs ${partner.meta.id}, the clean model ${model.meta.id} was trained from.` };
  const [modelBytes, partnerBytes] = await Promise.all([readBytes(model.path), readBytes(partner.path)]);
  const percent = Math.round(s * 100);
  const file = path.join(
    dirs.stateDir,
    'cache',
    'strength',
    `${hashBytes(modelBytes).slice(0, 16)}-${hashBytes(partnerBytes).slice(0, 16)}-s${percent}.onnx`,
  );
  const cached = await readBytes(file).catch(() => undefined);
  const cachedMeta = cached ? safeMeta(cached, file) : undefined;
  if (cachedMeta) return { model: { meta: cachedMeta, path: file, source: 'file' } };
  const meta = ModelMeta.parse({
    ...model.meta,
    id: `${model.meta.id}-s${percent}`.slice(0, 64),
    name: `${model.meta.name} at strength ${s.toFixed(2)}`,
    provenance:
      `Network interpolation, per weight: ${s.toFixed(2)} × ${model.meta.id} + ${(1 - s).toFixed(2)} × ${partner.meta.id}. ${model.meta.provenance}`.slice(
        0,
        4000,
      ),
    scores: {},
  });
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
  } catch (error) {
    throw fromFsError(error, path.dirname(file), 'write');
  }
  // The blending decodes and re-encodes both models through the full ONNX schema: loaded only for a blend.
  const { blendedModel } = await import('./strength-blend.ts');
  await writeFileAtomic(file, blendedModel(modelBytes, partnerBytes, s, model.path, meta, file));
  return { model: { meta, path: file, source: 'file' } };
}

/** A cached blend that cannot be read (a torn or foreign file) is made again rather than trusted. */
function safeMeta(bytes: Uint8Array, file: string): ModelMeta | undefined {
  try {
    return readModelMeta(bytes, file);
  } catch {
    return undefined;
  }
}
