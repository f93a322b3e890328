import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fromFsError, SrError } from '../errors.ts';
import type { Plane } from '../imaging/image.ts';
import { openSession, releaseSessionsFor } from '../models/session.ts';
import { Rng, Stream } from '../seeded-random.ts';
import { type RunRecord, RunsRepo } from '../store/runs-repo.ts';
import type { Store } from '../store/store.ts';
import {
  type ArchSpec,
  archName,
  initParams,
  inputKindOf,
  outputSizeFor,
  paramSpecs,
  parseArch,
  receptiveRadius,
} from './architectures.ts';
import { type CheckpointState, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { resolveImagePaths } from './data-source.ts';
import type { TrainEvent, TrainListener } from './events.ts';
import { exportRunModel, modelStem } from './export-model.ts';
import { buildInferenceModel, buildTrainStep } from './graph/index.ts';
import { type PatchGeometry, patchGeometry } from './patch-geometry.ts';
import { crop, padReplicate } from './plane-pad.ts';
import { BatchPrefetcher, type PrefetchStats } from './prefetcher.ts';
import { learningRateAt } from './schedule.ts';
import { type OptimizerState, StepRunner } from './step-runner.ts';
import { type TrainConfig, validateConfig } from './train-config.ts';
import { openTrainSession } from './train-session.ts';
import { type Score, ValidationSet } from './validation.ts';

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
  samplesPerSecond: number;
  best: { step: number; psnr: number; ssim: number } | null;
  bicubic: Score | null;
  model: string | null;
  data: PrefetchStats;
}

/** Starts a new run: records it in the store, then trains. */
export async function startTraining(store: Store, config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const run = await createTrainingRun(store, config);
  return train(store, run.id, config, null, options);
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
  return train(store, runId, validateConfig(run.config as TrainConfig), null, options);
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
  return train(store, runId, config, checkpoint, options);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** SRCNN's paper trains its last layer with a 10× smaller rate; the other architectures use one rate. */
export function lrMultipliers(arch: ArchSpec): Record<string, number> {
  return arch.kind === 'srcnn' ? { 'conv3.w': 0.1, 'conv3.b': 0.1 } : {};
}

function freshState(arch: ArchSpec, seed: number): OptimizerState {
  const rng = Rng.keyed(seed, Stream.init);
  const params = initParams(arch, () => rng.next());
  const zeros = () => new Map([...params].map(([name, values]) => [name, new Float32Array(values.length)]));
  return { params, adamM: zeros(), adamV: zeros() };
}

function valSetName(spec: string, scale: number): string {
  const match = /^dataset:(\d+)$/.exec(spec.trim());
  const base = match ? `dataset-${match[1]}` : basename(spec.replace(/[/\\]+$/, '')) || 'val';
  return `${base.toLowerCase()}-x${scale}`;
}

async function train(
  store: Store,
  runId: number,
  config: TrainConfig,
  checkpoint: CheckpointState | null,
  options: TrainOptions,
): Promise<TrainResult> {
  const emit = (event: TrainEvent) => options.onEvent?.(event);
  const runs = new RunsRepo(store);
  const arch = parseArch(config.arch, config.scale);
  const geometry = patchGeometry(config.scale, inputKindOf(arch), config.patch, (n) => outputSizeFor(arch, n));
  const checkpointDir = join(store.paths.checkpoints, `run-${runId}`);
  try {
    mkdirSync(checkpointDir, { recursive: true });
  } catch (error) {
    throw fromFsError(error, checkpointDir, 'write');
  }
  const modelPath = config.out ?? join(options.modelDir ?? store.paths.models, `run-${runId}-${modelStem(arch)}.onnx`);

  const setup = await prepare(store, config, arch, geometry, emit).catch((error: unknown) => {
    // A run that cannot start (unreadable image, device refused) is recorded as failed, with the reason.
    runs.setStatus(runId, 'failed', (error as Error).message);
    throw error;
  });
  const { validation, session, provider, prefetcher } = setup;

  const state: OptimizerState = checkpoint
    ? { params: checkpoint.params, adamM: checkpoint.adamM, adamV: checkpoint.adamV }
    : freshState(arch, config.seed);
  const runner = new StepRunner(
    session.session,
    session.graph,
    state,
    paramSpecs(arch),
    config.batch,
    geometry.inputSize,
    geometry.outputSize,
  );
  let best = checkpoint?.best ?? null;
  let step = checkpoint?.step ?? 0;
  const startStep = step;
  let lastCheckpointStep = checkpoint ? step : -1;
  const logEvery = Math.max(1, options.logEvery ?? 10);
  let status: TrainResult['status'] = 'done';

  const saveAt = (at: number, score?: Score) => {
    const path = join(checkpointDir, `step-${String(at).padStart(8, '0')}.ckpt`);
    saveCheckpoint(path, {
      step: at,
      config,
      rng: { seed: config.seed, step: at },
      best,
      params: state.params,
      adamM: state.adamM,
      adamV: state.adamV,
    });
    runs.addCheckpoint(runId, { step: at, path, valPsnr: score?.psnr ?? null, valSsim: score?.ssim ?? null });
    lastCheckpointStep = at;
    emit({ type: 'checkpoint', run: runId, step: at, path });
  };
  const exportModel = (at: number, score: Score | null) => {
    const scores = score && config.val ? { [valSetName(config.val, config.scale)]: { psnr: score.psnr, ssim: score.ssim } } : {};
    exportRunModel(modelPath, arch, state.params, { runId, config, step: at, scores });
    runs.setModel(runId, modelPath);
    emit({ type: 'model', run: runId, step: at, path: modelPath });
  };

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
  const started = performance.now();
  let intervalMs = 0;
  let intervalLoss = 0;
  let intervalSteps = 0;
  // Throughput counts the train steps only (data wait included), not validation or checkpoint writes.
  let trainMs = 0;
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
      trainMs += stepMs;
      intervalMs += stepMs;
      if (!Number.isFinite(loss)) {
        throw new SrError(
          'INTERNAL',
          `Training diverged at step ${step + 1} (loss ${loss})`,
          'Lower --lr, or resume from an earlier checkpoint.',
        );
      }
      step += 1;
      intervalLoss += loss;
      intervalSteps += 1;

      if (step % logEvery === 0 || step === config.steps) {
        const samplesPerSecond = (intervalSteps * config.batch) / Math.max(1e-9, intervalMs / 1000);
        const meanLoss = intervalLoss / intervalSteps;
        runs.addMetrics(runId, [
          { step, kind: 'train', name: 'loss', value: meanLoss },
          { step, kind: 'train', name: 'lr', value: lr },
          { step, kind: 'train', name: 'samples_per_second', value: samplesPerSecond },
          { step, kind: 'train', name: 'data_waits', value: prefetcher.stats.waits },
        ]);
        emit({
          type: 'step',
          run: runId,
          step,
          totalSteps: config.steps,
          batch: config.batch,
          loss: meanLoss,
          lr,
          samplesPerSecond,
          data: { ...prefetcher.stats },
        });
        intervalMs = 0;
        intervalLoss = 0;
        intervalSteps = 0;
      }

      if (validation && (step % config.valEvery === 0 || step === config.steps)) {
        let sampleOutput: Plane | undefined;
        const score = await validate(arch, state.params, validation, provider, `run-${runId}-step-${step}`, (out) => {
          sampleOutput ??= out;
        });
        const first = validation.first;
        const sample =
          first && sampleOutput
            ? { name: first.name, inputKind: inputKindOf(arch), input: first.input, output: sampleOutput, truth: first.hrY }
            : undefined;
        const isBest = best === null || score.psnr > best.psnr;
        runs.addMetrics(runId, [
          { step, kind: 'val', name: 'psnr', value: score.psnr },
          { step, kind: 'val', name: 'ssim', value: score.ssim },
          { step, kind: 'bicubic', name: 'psnr', value: validation.bicubic.psnr },
          { step, kind: 'bicubic', name: 'ssim', value: validation.bicubic.ssim },
        ]);
        emit({ type: 'validation', run: runId, step, psnr: score.psnr, ssim: score.ssim, bicubic: validation.bicubic, isBest, sample });
        if (isBest) {
          best = { step, psnr: score.psnr, ssim: score.ssim };
          runs.setBest(runId, best);
          // The best weights are kept twice: as a checkpoint (to resume or re-export) and as the run's model.
          saveAt(step, score);
          exportModel(step, score);
        }
      }
      if (step % config.checkpointEvery === 0 && lastCheckpointStep !== step) saveAt(step);
      // Let abort handlers (SIGINT) and prefetch messages run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (lastCheckpointStep !== step) saveAt(step);
    if (status === 'done' && !validation) exportModel(step, null);
    runs.setStatus(runId, status);
  } catch (error) {
    runs.setStatus(runId, 'failed', (error as Error).message);
    throw error;
  } finally {
    await prefetcher.close();
    await session.session.release();
  }
  const seconds = (performance.now() - started) / 1000;
  emit({ type: 'finished', run: runId, status, step });
  const model = runs.get(runId)?.modelPath ?? null;
  return {
    run: runId,
    arch: archName(arch),
    scale: config.scale,
    status,
    steps: step,
    seconds,
    samplesPerSecond: ((step - startStep) * config.batch) / Math.max(1e-9, trainMs / 1000),
    best,
    bicubic: validation?.bicubic ?? null,
    model,
    data: { ...prefetcher.stats },
  };
}

async function prepare(store: Store, config: TrainConfig, arch: ArchSpec, geometry: PatchGeometry, emit: (event: TrainEvent) => void) {
  const inputKind = inputKindOf(arch);
  const trainPaths = await resolveImagePaths(config.data, store, 'train');
  const valPaths = config.val ? await resolveImagePaths(config.val, store, 'val') : [];
  emit({ type: 'loading', what: 'val', done: 0, total: valPaths.length });
  const validation = valPaths.length > 0 ? await ValidationSet.load(valPaths, config.scale, inputKind) : null;
  const { session, provider } = await openTrainSessionFor(arch, config, geometry.inputSize, (message) => emit({ type: 'notice', message }));
  try {
    const prefetcher = await BatchPrefetcher.start({
      paths: trainPaths,
      scale: config.scale,
      geometry,
      sampling: { mode: config.sampling, stride: config.stride, augment: config.augment },
      seed: config.seed,
      batchSize: config.batch,
      onLoading: (done, total) => emit({ type: 'loading', what: 'train', done, total }),
    });
    return { validation, session, provider, prefetcher };
  } catch (error) {
    await session.session.release();
    throw error;
  }
}

async function openTrainSessionFor(arch: ArchSpec, config: TrainConfig, inputSize: number, onNotice: (message: string) => void) {
  const graph = buildTrainStep(arch, { batch: config.batch, inputSize, loss: config.loss, lrMultipliers: lrMultipliers(arch) });
  const { session, provider } = await openTrainSession(graph.bytes, config.device, onNotice);
  return { session: { session, graph }, provider };
}

/** Scores the current weights through the exported inference graph, exactly as the model file will run. */
async function validate(
  arch: ArchSpec,
  params: Map<string, Float32Array>,
  set: ValidationSet,
  provider: string,
  source: string,
  /** Sees each image's output, in set order (the host keeps the first as a visual sample). */
  onOutput?: (output: Plane) => void,
): Promise<Score> {
  const bytes = buildInferenceModel(arch, params, {
    id: 'validation',
    name: 'validation',
    architecture: archName(arch),
    scale: arch.scale,
    colorMode: 'y',
    inputKind: inputKindOf(arch),
    valueRange: [0, 1],
    halo: Math.ceil(receptiveRadius(arch)),
    provenance: '',
    scores: {},
  });
  const model = await openSession(bytes, { device: provider === 'cpu' ? 'cpu' : 'auto' }, source);
  try {
    // Replicate-pad by the receptive radius and crop it off again, as the upscaler's tiling does, so the
    // exported graph's zero padding never reaches a scored pixel.
    const halo = Math.ceil(receptiveRadius(arch));
    const outScale = inputKindOf(arch) === 'lr' ? arch.scale : 1;
    return await set.score(async (input) => {
      const padded = padReplicate(input, halo);
      const out = await model.session.run({
        [model.inputName]: new ort.Tensor('float32', padded.data, [1, 1, padded.height, padded.width]),
      });
      const tensor = out[model.outputName];
      const [, , height, width] = tensor.dims as number[];
      const output = crop({ width, height, data: tensor.data as Float32Array }, halo * outScale);
      onOutput?.(output);
      return output;
    });
  } finally {
    await releaseSessionsFor(source);
  }
}
