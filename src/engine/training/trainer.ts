/**
 * The entry points of training: start a run, record one for a queue to train later, train a recorded run, or
 * resume one from its latest checkpoint. They check the request and the run's state; `training-loop.ts` trains.
 */
import { SrError } from '../errors.ts';
import { type RunRecord, RunsRepo } from '../store/runs-repo.ts';
import type { Store } from '../store/store.ts';
import { archName, inputKindOf, outputSizeFor, parseArch } from './architectures.ts';
import { loadCheckpoint } from './checkpoint.ts';
import { resolveImagePaths } from './data-source.ts';
import { patchGeometry } from './patch-geometry.ts';
import { type TrainConfig, validateConfig } from './train-config.ts';
import { runTraining, type TrainOptions, type TrainResult } from './training-loop.ts';

export type { TrainOptions, TrainResult };

/** Starts a new run: records it in the store, then trains. */
export async function startTraining(store: Store, config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const run = await createTrainingRun(store, config);
  return runTraining(store, run.id, config, null, options);
}

/** Checks a config and records it as a 'queued' run, without training (a job queue trains it later). */
export async function createTrainingRun(store: Store, config: TrainConfig): Promise<RunRecord> {
  validateConfig(config);
  const arch = parseArch(config.arch, config.scale);
  patchGeometry(config.scale, inputKindOf(arch), config.patch, (n) => outputSizeFor(arch, n));
  // Bad paths fail here, before a run record exists that could never train.
  await resolveImagePaths(config.data, store, 'train');
  if (config.val) await resolveImagePaths(config.val, store, 'val');
  return new RunsRepo(store).create({ arch: archName(arch), scale: config.scale, config });
}

/** Trains a run that `createTrainingRun` recorded and that has no checkpoint yet, from step 0. */
export async function trainCreatedRun(store: Store, runId: number, options: TrainOptions = {}): Promise<TrainResult> {
  const run = new RunsRepo(store).get(runId);
  if (!run) throw new SrError('NOT_FOUND', `No training run with id ${runId}`, 'List runs to see which ids exist.');
  return runTraining(store, runId, validateConfig(run.config as TrainConfig), null, options);
}

/**
 * Continues run `runId` from its latest checkpoint with the stored config. `steps` may extend the run; other
 * settings stay as they were, because changing them would break "resume = uninterrupted run".
 */
export async function resumeTraining(
  store: Store,
  runId: number,
  overrides: { steps?: number; device?: TrainConfig['device'] } = {},
  options: TrainOptions = {},
): Promise<TrainResult> {
  const runs = new RunsRepo(store);
  const run = runs.get(runId);
  if (!run)
    throw new SrError(
      'NOT_FOUND',
      `No training run with id ${runId}`,
      'Check the run id (the --json output of `srstudio train` shows it).',
    );
  if (run.status === 'running') {
    throw new SrError(
      'BAD_ARGUMENT',
      `Run ${runId} is still running in another process`,
      'Stop it first (Ctrl-C checkpoints it), then resume.',
    );
  }
  if (run.status === 'done' && overrides.steps === undefined) {
    throw new SrError('BAD_ARGUMENT', `Run ${runId} is already finished`, 'Pass --steps with a larger total to train it further.');
  }
  const latest = runs.latestCheckpoint(runId);
  if (!latest) throw new SrError('NOT_FOUND', `Run ${runId} has no checkpoint to resume from`, 'Start a new run instead.');
  const checkpoint = loadCheckpoint(latest.path);
  const config = validateConfig({ ...(run.config as TrainConfig), ...definedOnly(overrides) });
  if (config.steps < checkpoint.step) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Run ${runId} is already at step ${checkpoint.step}, past --steps ${config.steps}`,
      `Pass --steps above ${checkpoint.step}.`,
    );
  }
  return runTraining(store, runId, config, checkpoint, options);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
