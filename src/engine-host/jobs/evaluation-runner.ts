import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { getDataset } from '../../engine/datasets/index.ts';
import { type PresetName, preset, seededDegradation } from '../../engine/degrade/index.ts';
import { isSrError, SrError } from '../../engine/errors.ts';
import { listEvalImages } from '../../engine/eval/list-images.ts';
import { assertEvalScale, type EvalDegradation, type EvalMethod, interpolationMethod } from '../../engine/eval/protocol.ts';
import { runEval } from '../../engine/eval/run-eval.ts';
import type { ResizeKernel } from '../../engine/imaging/matlab-resize.ts';
import { resolveModelEvalMethod } from '../../engine/models/eval-method.ts';
import { loadModel } from '../../engine/models/registry.ts';
import { EvaluationsRepo, finiteOrNull } from '../../engine/store/evaluations-repo.ts';
import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import {
  type EvaluationJobParams,
  type EvaluationMethodRef,
  evaluationJobParams,
  type InterpolationName,
} from './evaluation-job-params.ts';
import type { Emit, JobRunner } from './job-queue.ts';

export interface EvaluationRequest {
  datasetId?: string;
  folders?: string[];
  scales: number[];
  methods: EvaluationMethodRef[];
  /** A named recipe and its seed; `clean` is the protocol itself. */
  degradation?: { preset: PresetName; seed: number };
}

/** The request's degradation as the job runs it: null for the protocol (a `clean` preset is the protocol, bit for bit). */
function evalDegradation(request: EvaluationRequest): EvalDegradation | null {
  if (!request.degradation) return null;
  return seededDegradation(preset(request.degradation.preset), request.degradation.seed);
}

interface Combination {
  method: EvaluationMethodRef;
  folder: { path: string; name: string };
  scale: number;
}

/** Evaluation runs MATLAB kernels (the protocol's); the contract's 'matlab-bicubic' is the published Bicubic row. */
function kernelOf(method: { interpolation: InterpolationName }): ResizeKernel {
  return method.interpolation === 'matlab-bicubic' ? 'bicubic' : method.interpolation;
}

export function methodName(method: EvaluationMethodRef): string {
  return 'model' in method ? method.model : kernelOf(method);
}

/** Every method × folder × scale, in a fixed order: job item `seq` k is combination k. */
export function combinations(params: EvaluationJobParams): Combination[] {
  const out: Combination[] = [];
  for (const folder of params.folders)
    for (const scale of params.scales) for (const method of params.methods) out.push({ method, folder, scale });
  return out;
}

/**
 * Evaluation jobs: methods × data folders × scales scored with the SR protocol (src/engine/eval/run-eval.ts), one
 * job item per combination, each combination's scores persisted (evaluations table) as soon as it finishes, so a
 * cancelled or crashed job keeps what it finished and a resume runs only the rest.
 */
export class EvaluationRunner implements JobRunner {
  constructor(
    private readonly store: () => Store,
    private readonly emit: Emit,
  ) {}

  /** Checks the request (data folders exist and hold images, scales, models known) and journals the job as 'queued'. */
  async plan(request: EvaluationRequest): Promise<JobRecord> {
    const store = this.store();
    for (const scale of request.scales) assertEvalScale(scale);
    const folders: { path: string; name: string }[] = [];
    if (request.datasetId !== undefined) {
      const dataset = getDataset(store, request.datasetId);
      for (const root of dataset.roots) {
        folders.push({ path: root, name: dataset.roots.length > 1 ? `${dataset.name}/${path.basename(root)}` : dataset.name });
      }
    }
    for (const folder of request.folders ?? []) folders.push({ path: path.resolve(folder), name: path.basename(path.resolve(folder)) });
    for (const folder of folders) await listEvalImages(folder.path);
    for (const method of request.methods) if ('model' in method) await loadModel(method.model, { stateDir: store.dir });
    const degradation = evalDegradation(request);
    const params: EvaluationJobParams = {
      evaluation: 1,
      folders,
      scales: [...new Set(request.scales)],
      methods: request.methods,
      degradation,
    };
    const jobs = new JobsRepo(store);
    const job = jobs.create('eval', params);
    const inputs = degradation ? ` · ${degradation.name} seed ${degradation.seed}` : '';
    jobs.addItems(
      job.id,
      combinations(params).map((c) => ({ input: `${methodName(c.method)} · ${c.folder.name} · ×${c.scale}${inputs}`, output: null })),
    );
    return job;
  }

  /** Puts a stopped evaluation back in the line; finished combinations stay done. */
  requeue(jobId: number): void {
    const jobs = new JobsRepo(this.store());
    const job = jobs.get(jobId);
    if (!job || !evaluationJobParams(job)) throw new SrError('NOT_FOUND', `No evaluation job #${jobId}`, 'Refresh the job list.');
    if (!['queued', 'interrupted', 'cancelled'].includes(job.status)) {
      throw new SrError(
        'BAD_ARGUMENT',
        `Evaluation job #${jobId} is ${job.status}; only a stopped job can be resumed`,
        'Start a new evaluation.',
      );
    }
    if (job.status !== 'queued') jobs.setStatus(jobId, 'queued');
  }

  async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const store = this.store();
    const jobs = new JobsRepo(store);
    const params = evaluationJobParams(job);
    if (!params) throw new SrError('INTERNAL', `Job #${job.id} has no evaluation parameters`, 'Start the evaluation again.');
    const jobId = String(job.id);
    jobs.setStatus(job.id, 'running');
    this.emit('job.state', { jobId, kind: 'evaluation', state: 'running' });

    const combos = combinations(params);
    const items = jobs.items(job.id);
    const imageCounts = new Map<string, number>();
    for (const folder of params.folders) imageCounts.set(folder.path, (await listEvalImages(folder.path).catch(() => [])).length);
    const total = combos.reduce((sum, c) => sum + (imageCounts.get(c.folder.path) ?? 0), 0);
    let done = combos.reduce((sum, c, k) => sum + (items[k]?.status === 'pending' ? 0 : (imageCounts.get(c.folder.path) ?? 0)), 0);
    const started = performance.now();
    const doneAtStart = done;
    const progress = (message: string) => {
      const rate = (done - doneAtStart) / Math.max(1e-3, (performance.now() - started) / 1000);
      const etaSeconds = rate > 0 ? (total - done) / rate : null;
      this.emit('job.progress', { jobId, kind: 'evaluation', done, total, etaSeconds, message: message.slice(0, 500) });
    };
    progress('starting');

    let failures = 0;
    const evaluations = new EvaluationsRepo(store);
    for (const [k, combo] of combos.entries()) {
      const item = items[k];
      if (item?.status !== 'pending') continue;
      const label = item.input;
      const doneBefore = done;
      jobs.markItem(item.id, 'running');
      try {
        const method = await this.methodFor(combo, store.dir);
        const result = await runEval({
          dataDir: combo.folder.path,
          scale: combo.scale,
          method,
          degradation: params.degradation ?? null,
          signal,
          onImage: (image) => {
            done += 1;
            progress(`${label}: ${image.name}`);
          },
        });
        evaluations.add({
          jobId: job.id,
          method: methodName(combo.method),
          data: combo.folder.path,
          dataName: combo.folder.name,
          scale: combo.scale,
          psnr: finiteOrNull(result.mean.psnr),
          ssim: result.mean.ssim,
          perImage: result.images.map((r) => ({ image: r.name, psnr: finiteOrNull(r.psnr), ssim: r.ssim, seconds: r.seconds })),
          seconds: result.seconds,
          degradation: result.degradation ? { name: result.degradation.name, seed: result.degradation.seed } : null,
        });
        jobs.markItem(item.id, 'done', { seconds: result.seconds });
      } catch (error) {
        if (signal.aborted || (isSrError(error) && error.code === 'CANCELLED')) {
          jobs.markItem(item.id, 'pending');
          const state = signal.reason === 'shutdown' ? 'interrupted' : 'cancelled';
          jobs.setStatus(job.id, state);
          this.emit('job.state', { jobId, kind: 'evaluation', state });
          return;
        }
        failures += 1;
        const message = (error as Error)?.message ?? String(error);
        jobs.markItem(item.id, 'failed', { error: message.slice(0, 2000) });
        // The combination is over, with or without scores: progress moves past its images.
        done = doneBefore + (imageCounts.get(combo.folder.path) ?? 0);
        this.emit('log', {
          level: 'warn',
          source: `job ${jobId}`,
          message: `${label}: ${message}`.slice(0, 4000),
          at: new Date().toISOString(),
        });
      }
    }
    const state = failures > 0 && failures === items.filter((i) => i.status === 'pending').length ? 'failed' : 'done';
    jobs.setStatus(job.id, state, state === 'failed' ? 'Every method failed; see the job items for the reasons.' : null);
    progress('finished');
    this.emit('job.state', { jobId, kind: 'evaluation', state });
  }

  private methodFor(combo: Combination, stateDir: string): Promise<EvalMethod> {
    if ('model' in combo.method) return resolveModelEvalMethod(combo.method.model, combo.scale, { stateDir });
    return Promise.resolve(interpolationMethod(kernelOf(combo.method)));
  }
}
