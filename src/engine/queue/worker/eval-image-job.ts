import type { Job } from 'bullmq';
import { type EvalMethod, interpolationMethod } from '../../eval/protocol.ts';
import { ensureFolder, evalImage } from '../../eval/run-eval.ts';
import { toItemError } from '../../jobs/upscale-file.ts';
import { resolveModelEvalMethod } from '../../models/eval-method.ts';
import { failedFileError } from '../failure-reason.ts';
import { EvalImageJob, type EvalImageResult } from '../file-jobs.ts';
import { handBack, parseJobData, progressReporter, type WorkerContext } from './worker-context.ts';

/** One image of a queued evaluation, scored by the same function a local `srstudio eval` uses. */
export async function runEvalImageJob(
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
  context: WorkerContext,
): Promise<EvalImageResult> {
  const data = parseJobData(EvalImageJob, job);
  context.log(`scoring ${data.file} (batch ${data.batch}, ×${data.scale}, ${data.method.name})`);
  progressReporter(job, context.name)(0);
  try {
    const method = await methodFor(data, context);
    if (data.saveDir) await ensureFolder(data.saveDir);
    const result = await evalImage(data.file, data.scale, method, data.saveDir, data.degradation ?? null);
    return { ...result, psnr: Number.isFinite(result.psnr) ? result.psnr : null, worker: context.name };
  } catch (error) {
    if (signal?.aborted) return handBack(job, token);
    const itemError = toItemError(error);
    context.log(`failed ${data.file}: ${itemError.message}`);
    throw failedFileError(itemError);
  }
}

async function methodFor(data: EvalImageJob, context: WorkerContext): Promise<EvalMethod> {
  if (data.method.kind === 'kernel') return interpolationMethod(data.method.name);
  const model = await context.models.get(data.method.model);
  const method = await resolveModelEvalMethod(model.path, data.scale, { device: context.device ?? data.device });
  // Named as where the evaluation was planned, so results and saved files match a local run's.
  return { ...method, name: data.method.name };
}
