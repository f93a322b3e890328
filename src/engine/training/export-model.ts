import type { ModelMeta } from '../../shared/model-meta.ts';
import { networkOf } from '../../shared/model-title.ts';
import { writeFileAtomicSync } from '../imaging/atomic-write.ts';
import { type ArchSpec, archName, inputKindOf, receptiveRadius } from './architectures.ts';
import { buildInferenceModel } from './graph/index.ts';
import type { TrainConfig } from './train-config.ts';
import { lineageOf } from './warm-start.ts';

export interface ExportInfo {
  runId: number;
  config: TrainConfig;
  step: number;
  /** Validation score of these weights, keyed like `val-x3`. */
  scores: ModelMeta['scores'];
  /** Seconds the run trained to reach these weights (its warm-start parent's not included). */
  seconds: number;
}

/** `srcnn-9-5-5-x3`, `fsrcnn-56-12-4-x3`: the architecture name with its scale, once. */
export function modelStem(arch: ArchSpec): string {
  const name = archName(arch);
  return name.endsWith(`-x${arch.scale}`) ? name : `${name}-x${arch.scale}`;
}

/** The metadata every model of an architecture shares (scale, input kind, halo…), with its own id, name and story. */
export function archModelMeta(arch: ArchSpec, own: Pick<ModelMeta, 'id' | 'name' | 'provenance' | 'scores'>): ModelMeta {
  return {
    ...own,
    architecture: archName(arch),
    scale: arch.scale,
    colorMode: 'y',
    inputKind: inputKindOf(arch),
    valueRange: [0, 1],
    halo: Math.ceil(receptiveRadius(arch)),
  };
}

/** The self-describing ONNX model of a run's weights, written atomically. */
export function exportRunModel(path: string, arch: ArchSpec, params: Map<string, Float32Array>, info: ExportInfo): void {
  const { runId, config, step } = info;
  const name = archName(arch);
  const init = config.init;
  // The budget counts the parent's training too; unknown when the parent never recorded it.
  const parentSeconds = init ? init.trainingSeconds : 0;
  const meta: ModelMeta = {
    ...archModelMeta(arch, {
      id: `run-${runId}-${modelStem(arch)}`.toLowerCase().slice(0, 64),
      // The network once (not 'fsrcnn-…-x2 ×2'), and where it started when it was a fine-tune.
      name: `${networkOf(name, arch.scale)} ×${arch.scale} (training run ${runId}, step ${step}${init ? `, from ${init.id}` : ''})`,
      provenance:
        `Trained by SR Studio run ${runId}: ${step} steps of batch ${config.batch}, ${config.patch}×${config.patch} patches, ` +
        `${config.loss} loss, Adam lr ${config.lr} (${config.schedule}), seed ${config.seed}, on ${config.data}` +
        (config.degrade ? ` degraded by the '${config.degrade.name}' recipe` : '') +
        (config.val ? `; validated on ${config.val}` : '') +
        (init ? `; started from model ${init.id} (sha256 ${init.sha256.slice(0, 12)}…).` : '.'),
      scores: info.scores,
    }),
    ...(parentSeconds === null ? {} : { trainingSeconds: parentSeconds + info.seconds }),
    ...(init ? { lineage: lineageOf(init) } : {}),
    ...(config.degrade ? { degradation: { name: config.degrade.name, recipe: { ...config.degrade.recipe } } } : {}),
  };
  writeFileAtomicSync(path, [buildInferenceModel(arch, params, meta)]);
}
