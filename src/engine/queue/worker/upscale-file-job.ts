import fs from 'node:fs/promises';
import type { Job } from 'bullmq';
import { hashFile } from '../../hash-file.ts';
import { removeTempFilesOf } from '../../jobs/leftover-temp-files.ts';
import { toItemError, upscaleFile } from '../../jobs/upscale-file.ts';
import { toFailureReason } from '../failure-reason.ts';
import { UpscaleFileJob, type UpscaleFileResult } from '../file-jobs.ts';
import { attemptOf, handBack, parseJobData, progressReporter, type WorkerContext } from './worker-context.ts';

/**
 * One file of a queued batch, through the very function a local batch uses (`upscaleFile`), so the bytes match a
 * local run. "Written once": the output appears by one atomic rename; the attempt that renamed it records the file's
 * size and hash in the job before it reports back, so if its worker dies in between, the next attempt recognises the
 * finished file and reports it instead of writing it again. An attempt that follows a killed one first removes the
 * temp file the killed write may have left.
 */
export async function runUpscaleFileJob(
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
  context: WorkerContext,
): Promise<UpscaleFileResult> {
  const data = parseJobData(UpscaleFileJob, job);
  const attempt = attemptOf(job);
  if (data.written && (await isWrittenOutput(data.output, data.written))) {
    context.log(`already written: ${data.output} (by ${data.written.worker}, try ${data.written.attempt}); not writing it again`);
    return data.written;
  }
  if (attempt > 1) removeTempFilesOf(data.output);

  context.log(`upscaling ${data.input} (batch ${data.batch}, file ${data.seq + 1}, try ${attempt})`);
  const report = progressReporter(job, context.name);
  report(0);
  const startedAt = performance.now();
  let size: { width: number; height: number };
  try {
    const model = await context.models.get(data.model);
    size = await upscaleFile(data.input, data.output, {
      model,
      request: { ...data.settings, device: context.device ?? data.settings.device },
      signal,
      onFraction: report,
      onNotice: (message) => context.log(`note: ${message}`),
    });
  } catch (error) {
    if (signal?.aborted) {
      context.log(`handing back ${data.input}: this worker is stopping`);
      return handBack(job, token);
    }
    const itemError = toItemError(error);
    context.log(`failed ${data.input} (try ${attempt}): ${itemError.message}`);
    throw new Error(toFailureReason(itemError));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const [sha256, stat] = await Promise.all([hashFile(data.output), fs.stat(data.output)]);
  const result: UpscaleFileResult = { ...size, seconds, bytes: stat.size, sha256, worker: context.name, attempt };
  await job.updateData({ ...data, written: result });
  context.log(`wrote ${data.output} (${size.width}×${size.height}, ${seconds.toFixed(2)} s)`);
  return result;
}

async function isWrittenOutput(output: string, written: UpscaleFileResult): Promise<boolean> {
  const stat = await fs.stat(output).catch(() => undefined);
  if (stat?.size !== written.bytes) return false;
  return (await hashFile(output).catch(() => null)) === written.sha256;
}
