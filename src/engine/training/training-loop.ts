/**
 * The loop of one training run: opens what it needs, runs train steps until the total or an abort, and at the
 * configured steps reports progress, validates (keeping the best weights) and checkpoints. It also keeps the
 * run's status in the store. Resume is exact because batches, rates and weights depend only on (seed, step, state).
 */
import { SrError } from '../errors.ts';
import { RunsRepo } from '../store/runs-repo.ts';
import type { Store } from '../store/store.ts';
import { archName, inputKindOf, outputSizeFor, paramSpecs, parseArch } from './architectures.ts';
import type { CheckpointState } from './checkpoint.ts';
import type { TrainEvent, TrainListener } from './events.ts';
import { type InitialState, initialOptimizerState } from './initial-optimizer-state.ts';
import { patchGeometry } from './patch-geometry.ts';
import type { PrefetchStats } from './prefetcher.ts';
import { prepareRun } from './prepare-run.ts';
import { RunArtifacts } from './run-artifacts.ts';
import type { BestScore, RunContext } from './run-context.ts';
import { learningRateAt } from './schedule.ts';
import { StepRunner } from './step-runner.ts';
import type { TrainConfig } from './train-config.ts';
import { TrainProgress } from './train-progress.ts';
import type { Score } from './validation.ts';
import { runValidationRound } from './validation-round.ts';
import type { WarmStart } from './warm-start.ts';

export interface TrainOptions {
  /** Abort to stop cleanly: a checkpoint is written first. `signal.reason === 'pause'` marks the run paused. */
  signal?: AbortSignal;
  onEvent?: TrainListener;
  /** Steps between loss reports (events and store metrics). */
  logEvery?: number;
  /** Folder for the run's best model when `config.out` is null (default: the store's models folder). */
  modelDir?: string;
}

export interface TrainResult {
  run: number;
  arch: string;
  scale: number;
  status: 'done' | 'cancelled' | 'paused';
  /** Steps completed in total (including those before a resume). */
  steps: number;
  /** Seconds of this session's training loop. */
  seconds: number;
  /** Seconds of training behind the run's latest weights, over all its sessions. */
  trainingSeconds: number;
  /** The same plus its warm-start parent's (what a training budget counts); null where the parent's is unknown. */
  lineageSeconds: number | null;
  /** The model the run started from (its warm start); null: seeded weights. */
  parent: { id: string; bundled: boolean } | null;
  samplesPerSecond: number;
  best: BestScore | null;
  bicubic: Score | null;
  model: string | null;
  data: PrefetchStats;
}

/** Trains run `runId` with `config`, from `checkpoint` when given, else from step 0. */
export async function runTraining(
  store: Store,
  runId: number,
  config: TrainConfig,
  checkpoint: CheckpointState | null,
  options: TrainOptions,
): Promise<TrainResult> {
  const emit = (event: TrainEvent) => options.onEvent?.(event);
  const runs = new RunsRepo(store);
  const arch = parseArch(config.arch, config.scale);
  // The run's training time counts every session: a resume continues from the checkpoint's count.
  const secondsBefore = checkpoint?.seconds ?? 0;
  let started = performance.now();
  const trainingSeconds = () => secondsBefore + (performance.now() - started) / 1000;
  const run: RunContext = { runId, runs, config, arch, emit, trainingSeconds };
  const geometry = patchGeometry(config.scale, inputKindOf(arch), config.patch, (n) => outputSizeFor(arch, n));
  const artifacts = RunArtifacts.open(store, run, options.modelDir, checkpoint ? checkpoint.step : null);

  const setup = await prepareRun(store, config, arch, geometry, emit).catch((error: unknown) => {
    // A run that cannot start (unreadable image, device refused) is recorded as failed, with the reason.
    runs.setStatus(runId, 'failed', (error as Error).message);
    throw error;
  });
  const { validation, session, provider, prefetcher } = setup;

  const state = initialOptimizerState(arch, config.seed, checkpoint, config.init);
  if (!checkpoint && config.init) emit({ type: 'notice', message: warmStartNotice(config.init, state) });
  const runner = new StepRunner(
    session.session,
    session.graph,
    state,
    paramSpecs(arch),
    config.batch,
    geometry.inputSize,
    geometry.outputSize,
  );
  const progress = new TrainProgress(run);
  let best = checkpoint?.best ?? null;
  let step = checkpoint?.step ?? 0;
  const startStep = step;
  const logEvery = Math.max(1, options.logEvery ?? 10);
  // Reports and validations happen every `every` steps and after the last one.
  const due = (every: number) => step % every === 0 || step === config.steps;
  let status: TrainResult['status'] = 'done';

  runs.setStatus(runId, 'running');
  emit({
    type: 'started',
    run: runId,
    startStep,
    totalSteps: config.steps,
    images: prefetcher.images,
    positions: prefetcher.positions,
    provider,
  });
  started = performance.now();
  try {
    while (step < config.steps) {
      if (options.signal?.aborted) {
        status = options.signal.reason === 'pause' ? 'paused' : 'cancelled';
        break;
      }
      const stepStarted = performance.now();
      const batch = await prefetcher.take(step);
      const lr = learningRateAt({ kind: config.schedule, lr: config.lr, totalSteps: config.steps }, step);
      const loss = await runner.run(batch, lr, step + 1);
      const stepMs = performance.now() - stepStarted;
      if (!Number.isFinite(loss)) {
        throw new SrError(
          'INTERNAL',
          `Training diverged at step ${step + 1} (loss ${loss})`,
          'Lower --lr, or resume from an earlier checkpoint.',
        );
      }
      step += 1;
      progress.addStep(stepMs, loss);

      if (due(logEvery)) progress.report(step, lr, prefetcher.stats);
      if (validation && due(config.valEvery)) {
        const { score, isBest } = await runValidationRound(run, validation, provider, state.params, step, best);
        if (isBest) {
          best = { step, psnr: score.psnr, ssim: score.ssim };
          runs.setBest(runId, best);
          // The best weights are kept twice: as a checkpoint (to resume or re-export) and as the run's model.
          artifacts.saveCheckpoint(step, state, best, score);
          artifacts.exportModel(step, state.params, score);
        }
      }
      if (step % config.checkpointEvery === 0 && artifacts.lastCheckpointStep !== step) artifacts.saveCheckpoint(step, state, best);
      // Let abort handlers (SIGINT) and prefetch messages run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (artifacts.lastCheckpointStep !== step) artifacts.saveCheckpoint(step, state, best);
    if (status === 'done' && !validation) artifacts.exportModel(step, state.params, null);
    runs.setStatus(runId, status);
  } catch (error) {
    runs.setStatus(runId, 'failed', (error as Error).message);
    throw error;
  } finally {
    await prefetcher.close();
    await session.session.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const ownSeconds = trainingSeconds();
  const parentSeconds = config.init ? config.init.trainingSeconds : 0;
  emit({ type: 'finished', run: runId, status, step });
  return {
    run: runId,
    arch: archName(arch),
    scale: config.scale,
    status,
    steps: step,
    seconds,
    trainingSeconds: ownSeconds,
    lineageSeconds: parentSeconds === null ? null : parentSeconds + ownSeconds,
    parent: config.init ? { id: config.init.id, bundled: config.init.bundled === true } : null,
    samplesPerSecond: progress.samplesPerSecond(step - startStep),
    best,
    bicubic: validation?.bicubic ?? null,
    model: runs.get(runId)?.modelPath ?? null,
    data: { ...prefetcher.stats },
  };
}

function warmStartNotice(warm: WarmStart, { fresh, identity, widened }: InitialState): string {
  const behind =
    warm.trainingSeconds !== null
      ? `${(warm.trainingSeconds / 60).toFixed(1)} min of training behind it`
      : warm.bundled
        ? `a bundled model: resources/models/${warm.id}.md says how it was trained`
        : 'its training time is unknown';
  const which = fresh.length === 0 ? 'all weights' : `all weights but ${fresh.join(', ')} (not in the model, so freshly initialised)`;
  const deeper =
    identity.length === 0
      ? ''
      : `; ${identity
          .filter((n) => n.endsWith('.w'))
          .map((n) => n.slice(0, -2))
          .join(', ')} start as the identity`;
  const wider =
    widened.length === 0
      ? ''
      : `; ${[...new Set(widened.map((n) => n.slice(0, -2)))].join(', ')} are wider, with its weights in their first channels`;
  const exact = deeper || wider ? ' (the run starts as exactly that model)' : '';
  return `Starting from model ${warm.id} (${behind}): ${which}${deeper}${wider}${exact}`;
}
