/**
 * A run's files: its checkpoints (to resume from) and its exported model. Each write is also recorded in the
 * store and announced as an event, so the disk, the runs table and listeners agree.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fromFsError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { exportRunModel, modelStem } from './export-model.ts';
import type { BestScore, RunContext } from './run-context.ts';
import type { OptimizerState } from './step-runner.ts';
import type { Score } from './validation.ts';

export class RunArtifacts {
  /** Step of the latest checkpoint on disk (-1: none yet), so a step is never saved twice. */
  lastCheckpointStep: number;

  private constructor(
    private readonly run: RunContext,
    private readonly checkpointDir: string,
    private readonly modelPath: string,
    resumedAt: number | null,
  ) {
    this.lastCheckpointStep = resumedAt ?? -1;
  }

  /**
   * Creates the run's checkpoint folder. The model goes to `config.out`, else to `modelDir` (default: the
   * store's models folder). `resumedAt` is the step of the checkpoint the run resumes from, if any.
   */
  static open(store: Store, run: RunContext, modelDir: string | undefined, resumedAt: number | null): RunArtifacts {
    const checkpointDir = join(store.paths.checkpoints, `run-${run.runId}`);
    try {
      mkdirSync(checkpointDir, { recursive: true });
    } catch (error) {
      throw fromFsError(error, checkpointDir, 'write');
    }
    const modelPath = run.config.out ?? join(modelDir ?? store.paths.models, `run-${run.runId}-${modelStem(run.arch)}.onnx`);
    return new RunArtifacts(run, checkpointDir, modelPath, resumedAt);
  }

  /** Writes the state after `at` steps; `score` is the validation of these weights, when they were scored. */
  saveCheckpoint(at: number, state: OptimizerState, best: BestScore | null, score?: Score): void {
    const { runId, runs, config, emit } = this.run;
    const path = join(this.checkpointDir, `step-${String(at).padStart(8, '0')}.ckpt`);
    saveCheckpoint(path, {
      step: at,
      config,
      rng: { seed: config.seed, step: at },
      best,
      seconds: this.run.trainingSeconds(),
      params: state.params,
      adamM: state.adamM,
      adamV: state.adamV,
    });
    runs.addCheckpoint(runId, { step: at, path, valPsnr: score?.psnr ?? null, valSsim: score?.ssim ?? null });
    this.lastCheckpointStep = at;
    emit({ type: 'checkpoint', run: runId, step: at, path });
  }

  /** Exports `params` as the run's model, with their validation score in its metadata when there is one. */
  exportModel(at: number, params: Map<string, Float32Array>, score: Score | null): void {
    const { runId, runs, config, arch, emit } = this.run;
    const scores = score && config.val ? { [valSetName(config.val, config.scale)]: { psnr: score.psnr, ssim: score.ssim } } : {};
    exportRunModel(this.modelPath, arch, params, { runId, config, step: at, scores, seconds: this.run.trainingSeconds() });
    runs.setModel(runId, this.modelPath);
    emit({ type: 'model', run: runId, step: at, path: this.modelPath });
  }
}

/** The key of a validation score in model metadata: `set5-x3` for a folder, `dataset-2-x3` for a stored dataset. */
function valSetName(spec: string, scale: number): string {
  const match = /^dataset:(\d+)$/.exec(spec.trim());
  const base = match ? `dataset-${match[1]}` : basename(spec.replace(/[/\\]+$/, '')) || 'val';
  return `${base.toLowerCase()}-x${scale}`;
}
