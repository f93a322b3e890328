import { isSrError, type SrError } from '../../engine/errors.ts';
import type { EvalDegradation } from '../../engine/eval/protocol.ts';
import type { EvalImageResult, EvalResult } from '../../engine/eval/run-eval.ts';
import { isResizeKernel } from '../../engine/imaging/resize-kernels.ts';
import { modelMethodName } from '../../engine/models/eval-method.ts';
import type { Device } from '../../engine/models/execution-providers.ts';
import { loadModel } from '../../engine/models/registry.ts';
import { runQueuedEval } from '../../engine/queue/dispatch/queued-eval.ts';
import type { EvalMethodRef } from '../../engine/queue/file-jobs.ts';
import { describeModel } from '../../engine/queue/model-transport.ts';
import { parseRedisUrl } from '../../engine/queue/redis-target.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { parsePositive } from '../parse-number.ts';
import { checkDevice, type EvalCliOptions, unknownMethod } from './eval-options.ts';

/** `srstudio eval --queue URL`: the same evaluation, scored image by image by queue workers. */
export async function runEvalOnQueue(
  opts: EvalCliOptions,
  scale: number,
  degradation: EvalDegradation | null,
  onImage: ((r: EvalImageResult, done: number) => void) | undefined,
): Promise<EvalResult> {
  const target = parseRedisUrl(opts.queue as string, '--queue');
  const attempts = parsePositive(opts.attempts, '--attempts', { integer: true });
  checkDevice(opts.device);
  return runQueuedEval({
    target,
    dataDir: opts.data,
    scale,
    method: await methodRef(opts, scale),
    device: opts.device as Device | undefined,
    saveDir: opts.save,
    degradation,
    attempts,
    onImage,
    onQueued: (batch, url) => process.stderr.write(`Batch ${batch} queued on ${url}: the workers score the images\n`),
  });
}

/** A kernel by name; a model by content, so every worker runs the very same file. */
async function methodRef(opts: EvalCliOptions, scale: number): Promise<EvalMethodRef> {
  if (isResizeKernel(opts.method)) return { kind: 'kernel', name: opts.method };
  try {
    const model = await loadModel(opts.method, { stateDir: resolveStateDir(opts.state) });
    return { kind: 'model', name: modelMethodName(model, scale), model: await describeModel(model) };
  } catch (error) {
    if (isSrError(error) && error.code === 'UNKNOWN_MODEL') throw unknownMethod(opts.method, error as SrError);
    throw error;
  }
}
