import fs from 'node:fs/promises';
import type { Job } from 'bullmq';
import type { FileResult } from '../../jobs/batch-file.ts';
import { removeTempFilesOf } from '../../jobs/leftover-temp-files.ts';
import { toItemError, upscaleFile } from '../../jobs/upscale-file.ts';
import { failedFileError } from '../failure-reason.ts';
import { UpscaleFileJob, type UpscaleFileResult } from '../file-jobs.ts';
import { attemptOf, handBack, parseJobData, progressReporter, type WorkerContext } from './worker-context.ts';

/**
 * One file of a queued batch, through the very stages a local batch uses (the worker's pipeline, or `upscaleFile` with
 * `--pipeline off`), so the bytes match a local run. The output appears at once and complete, under the batch's
 * policy (`existing`): replacing a file found there only under overwrite, otherwise keeping it (OUTPUT_EXISTS).
 * "Written once": the attempt that wrote it records the file's size, inode and modification time in the job before
 * it reports back, so if its worker dies in between, the next attempt recognises the finished file and reports it
 * instead of writing it again; one that died before recording is recognised by the output's bytes. An attempt that
 * follows a killed one first removes the temp file the killed write may have left.
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
  let done: FileResult;
  try {
    const model = await context.models.get(data.model);
    const work = {
      input: data.input,
      output: data.output,
      // The batch's policy, as a local batch applies it: only overwrite replaces a file found at the output.
      replace: data.existing === 'overwrite',
      // Any queued file may be a re-run of itself (a retry after its worker died between the commit and recording
      // `written`, a job lost with Redis and added again): its own output, byte for byte, is then taken as done.
      mayFindOwnOutput: true,
      model,
      request: { ...data.settings, device: context.device ?? data.settings.device },
      signal,
      onFraction: report,
      onNotice: (message: string) => context.log(`note: ${message}`),
    };
    done = context.pipeline ? await context.pipeline.run(work) : await upscaleFile(work.input, work.output, work);
  } catch (error) {
    if (signal?.aborted) {
      context.log(`handing back ${data.input}: this worker is stopping`);
      return handBack(job, token);
    }
    const itemError = toItemError(error);
    context.log(`failed ${data.input} (try ${attempt}): ${itemError.message}`);
    // Nothing of the file stays on the full disk: the encoder's temp file is removed before the error reaches here.
    if (itemError.code === 'DISK_FULL') context.onDiskFull();
    throw failedFileError(itemError);
  }
  // The file's own seconds, as a local batch journals them: its stages' busy time, not its waits in the pipeline.
  const { width, height, seconds } = done;
  const { bytes, ino, mtimeNs } = await fingerprint(data.output);
  const result: UpscaleFileResult = { width, height, seconds, bytes, ino, mtimeNs, worker: context.name, attempt };
  await job.updateData({ ...data, written: result });
  context.log(`wrote ${data.output} (${width}×${height}, ${seconds.toFixed(2)} s)`);
  return result;
}

async function fingerprint(output: string): Promise<{ bytes: number; ino: string; mtimeNs: string }> {
  const stat = await fs.stat(output, { bigint: true });
  return { bytes: Number(stat.size), ino: String(stat.ino), mtimeNs: String(stat.mtimeNs) };
}

async function isWrittenOutput(output: string, written: UpscaleFileResult): Promise<boolean> {
  const now = await fingerprint(output).catch(() => undefined);
  return now !== undefined && now.bytes === written.bytes && now.ino === written.ino && now.mtimeNs === written.mtimeNs;
}
