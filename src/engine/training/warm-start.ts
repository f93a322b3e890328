/**
 * Warm starts (`srstudio train --init MODEL`): a run's first weights come from another model instead of a seeded
 * initialisation. SRCNN's layers do not depend on the scale, so ×3 and ×4 can start from a trained ×2; FSRCNN shares
 * all but its deconvolution. The training behind the parent counts towards the child's budget, so the run records
 * it, and every model it exports carries the whole chain (ModelMeta.lineage and trainingSeconds).
 */
import { readFileSync } from 'node:fs';
import type { ModelAncestor } from '../../shared/model-meta.ts';
import { fromFsError, SrError } from '../errors.ts';
import { hashBytes } from '../hash-file.ts';
import type { ModelDirs } from '../models/model-dirs.ts';
import { loadModel } from '../models/registry.ts';
import { type ArchSpec, archName, initParams, paramSpecs } from './architectures.ts';
import { identityMappingParam } from './identity-mapping.ts';
import { readModelTensors } from './model-weights.ts';
import { widenedParam } from './widening.ts';

/** The model a run starts from, as resolved when the run was created (stored in its config). */
export interface WarmStart {
  id: string;
  path: string;
  sha256: string;
  /** Training seconds behind the parent's weights, its ancestors' included; null where it never recorded them. */
  trainingSeconds: number | null;
  /** The parent's own ancestors, nearest first. */
  lineage: ModelAncestor[];
  /** A model SR Studio ships: its card (resources/models/ID.md) says how it was trained. Absent in older runs. */
  bundled?: boolean;
}

export async function resolveWarmStart(idOrPath: string, dirs: ModelDirs): Promise<WarmStart> {
  const model = await loadModel(idOrPath, dirs);
  return {
    id: model.meta.id,
    path: model.path,
    sha256: hashBytes(readModel(model.path)),
    trainingSeconds: model.meta.trainingSeconds ?? null,
    lineage: model.meta.lineage ?? [],
    bundled: model.source === 'builtin',
  };
}

/** The chain a model trained from `warm` records: the parent first, then the parent's own ancestors. */
export function lineageOf(warm: WarmStart): ModelAncestor[] {
  return [{ id: warm.id, sha256: warm.sha256, trainingSeconds: warm.trainingSeconds }, ...warm.lineage];
}

/**
 * A run's first weights: every parameter the parent has (same name, same size) is copied, the others keep their
 * seeded initialisation and are listed in `fresh`, except where an FSRCNN with ReLU grows from its parent: the
 * mapping layers it has beyond the parent's start as the identity (identity-mapping.ts, listed in `identity`), and
 * wider shrink, mapping and expand layers hold the parent's weights in their first channels (widening.ts, listed in
 * `widened`). A parent with none of them is refused.
 */
export function warmStartParams(
  arch: ArchSpec,
  random: () => number,
  warm: WarmStart,
): { params: Map<string, Float32Array>; fresh: string[]; identity: string[]; widened: string[] } {
  const bytes = readModel(warm.path);
  if (hashBytes(bytes) !== warm.sha256) {
    throw new SrError(
      'BAD_MODEL',
      `${warm.path} (model "${warm.id}") has changed since this run was created`,
      'Start a new run with --init pointing at the model as it is now.',
      warm.path,
    );
  }
  const parent = readModelTensors(bytes);
  const params = initParams(arch, random);
  const fresh: string[] = [];
  const identity: string[] = [];
  const widened: string[] = [];
  const grows = arch.kind === 'fsrcnn' && arch.activation === 'relu' && parent.has('map1.w');
  for (const spec of paramSpecs(arch)) {
    const trained = parent.get(spec.name);
    const seeded = params.get(spec.name) ?? new Float32Array(0);
    if (trained && trained.values.length === seeded.length) {
      params.set(spec.name, trained.values.slice());
      continue;
    }
    // Only where the network grows from its parent: a wider layer holds the parent's, a layer it lacks is the identity.
    const wider = grows && trained ? widenedParam(spec.name, trained, spec.shape, seeded) : undefined;
    const same = grows && !trained ? identityMappingParam(spec.name, spec.shape) : undefined;
    if (wider) {
      params.set(spec.name, wider);
      widened.push(spec.name);
    } else if (same) {
      params.set(spec.name, same);
      identity.push(spec.name);
    } else fresh.push(spec.name);
  }
  if (fresh.length === paramSpecs(arch).length) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Model "${warm.id}" has none of the weights of ${archName(arch)}, so training cannot start from it`,
      'Pass --init a model of the same architecture (e.g. srcnn-x2 for an SRCNN 9-5-5 run at ×3).',
      warm.path,
    );
  }
  return { params, fresh, identity, widened };
}

function readModel(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw fromFsError(error, path, 'read');
  }
}
