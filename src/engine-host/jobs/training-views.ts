import { type RunRecord, RunsRepo } from '../../engine/store/runs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { JobState, MetricPoint, TrainingRunSummary } from '../../shared/contract/index.ts';
import { jobOfRun, sampleFolder } from './training-runner.ts';
import { readValidationSample } from './validation-sample.ts';

/** The furthest step a run has reached: its last recorded metric or checkpoint. */
function stepOf(store: Store, runId: number): number {
  const row = store.db
    .prepare(
      `SELECT MAX(step) AS step FROM (
         SELECT MAX(step) AS step FROM run_metrics WHERE run_id = @runId
         UNION ALL SELECT MAX(step) FROM checkpoints WHERE run_id = @runId)`,
    )
    .get({ runId }) as { step: number | null };
  return row.step ?? 0;
}

/** A run's degradation by name, with its recipe's own description when it has one. */
function degradationSummary(degrade: { name: string; recipe: { description?: string } }): TrainingRunSummary['degradation'] {
  const description = degrade.recipe.description;
  return { name: degrade.name.slice(0, 80), ...(typeof description === 'string' ? { description: description.slice(0, 2000) } : {}) };
}

/** A run as the contract shows it. A stopped run whose job waits in the queue again reads 'queued'. */
export function toRunSummary(store: Store, run: RunRecord): TrainingRunSummary {
  const config = (run.config ?? {}) as {
    data?: string;
    steps?: number;
    init?: { id: string } | null;
    degrade?: { name: string; recipe: { description?: string } } | null;
  };
  const job = jobOfRun(store, run.id);
  const state: JobState = job?.status === 'queued' ? 'queued' : run.status;
  const dataset = /^dataset:([0-9]+)$/.exec(config.data ?? '');
  const sample = readValidationSample(sampleFolder(store, run.id));
  return {
    id: String(run.id),
    architecture: run.arch.slice(0, 100),
    scale: run.scale,
    datasetId: dataset ? dataset[1] : null,
    data: config.data?.slice(0, 4096),
    ...(job ? { jobId: String(job.id) } : {}),
    state,
    step: stepOf(store, run.id),
    totalSteps: config.steps ?? 0,
    bestPsnr: run.bestPsnr,
    bestSsim: run.bestSsim,
    modelPath: run.modelPath,
    error: run.error?.slice(0, 2000) ?? null,
    createdAt: run.createdAt,
    ...(sample ? { sample } : {}),
    ...(config.init ? { initModelId: config.init.id } : {}),
    degradation: config.degrade ? degradationSummary(config.degrade) : null,
  };
}

/**
 * A run's curve from the store, one point per step that has a loss or a validation: validation steps carry PSNR,
 * SSIM and bicubic's scores; a validation step without its own loss report carries the latest loss before it.
 */
export function metricPoints(store: Store, runId: number, sinceStep: number, maxPoints: number): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  let last = { loss: 0, learningRate: 0, samplesPerSecond: 0 };
  for (const m of new RunsRepo(store).metrics(runId, { sinceStep })) {
    let point = byStep.get(m.step);
    if (!point) {
      point = { step: m.step, ...last, psnr: null };
      byStep.set(m.step, point);
    }
    const value = Number.isFinite(m.value) ? m.value : null;
    if (m.kind === 'train') {
      if (m.name === 'loss' && value !== null) point.loss = value;
      if (m.name === 'lr' && value !== null) point.learningRate = value;
      if (m.name === 'samples_per_second' && value !== null) point.samplesPerSecond = Math.max(0, value);
      last = { loss: point.loss, learningRate: point.learningRate, samplesPerSecond: point.samplesPerSecond };
    } else if (m.kind === 'val') {
      if (m.name === 'psnr') point.psnr = value;
      if (m.name === 'ssim') point.ssim = value;
    } else if (m.kind === 'bicubic') {
      if (m.name === 'psnr') point.bicubicPsnr = value;
      if (m.name === 'ssim') point.bicubicSsim = value;
    }
  }
  return downsample([...byStep.values()], maxPoints);
}

/** Evenly thins loss points to fit `maxPoints`; validation points and the last point are always kept. */
function downsample(points: MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return points;
  const keep = points.map((p, i) => p.psnr !== null || i === points.length - 1);
  const budget = Math.max(0, maxPoints - keep.filter(Boolean).length);
  const others = points.map((_, i) => i).filter((i) => !keep[i]);
  const stride = others.length / Math.max(1, budget);
  for (let k = 0; k < budget; k++) keep[others[Math.floor(k * stride)]] = true;
  return points.filter((_, i) => keep[i]).slice(-maxPoints);
}
