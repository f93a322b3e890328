import { SrError } from '../../engine/errors.ts';
import { UpscaleJobParams } from '../../engine/jobs/create-upscale-job.ts';
import { summarizeJob } from '../../engine/jobs/job-summary.ts';
import type { BatchStatus } from '../../engine/queue/dispatch/batch-status.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { openStore } from '../../engine/store/store.ts';
import { formatDb, printJson } from '../output.ts';
import { printSummary, toJson } from '../upscale-report.ts';

export interface JobsStatusCliOptions {
  redis?: string;
  state?: string;
  json?: boolean;
}

/** `srstudio jobs status ID [--redis URL]`: one batch's state; exit 0 when it is done, 1 while files remain or failed. */
export async function jobsStatusAction(idText: string, opts: JobsStatusCliOptions): Promise<void> {
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new SrError('BAD_ARGUMENT', `A job or batch id is a whole number, got "${idText}"`, 'It is printed when the batch starts.');
  }
  if (opts.redis !== undefined) await queuedStatus(id, opts);
  else localStatus(id, opts);
}

function localStatus(id: number, opts: JobsStatusCliOptions): void {
  const store = openStore(resolveStateDir(opts.state));
  try {
    const jobs = new JobsRepo(store);
    const job = jobs.get(id);
    if (job?.kind !== 'upscale')
      throw new SrError('NOT_FOUND', `There is no upscale job ${id} in this journal`, 'Check the id and --state.');
    const summary = summarizeJob(job, jobs.items(id), { seconds: 0, megapixelsPerSecond: null });
    // A queued batch's journal here is as of the last time this machine followed it; Redis has the news.
    const queue = UpscaleJobParams.safeParse(job.params).data?.queue;
    if (opts.json) printJson({ ...(toJson(summary) as object), ...(queue ? { batch: queue.batch, queue: queue.url } : {}) });
    else {
      printSummary(summary, `srstudio upscale --resume ${id}`);
      if (queue)
        process.stdout.write(`Queued as batch ${queue.batch} on ${queue.url}: srstudio jobs status ${queue.batch} --redis ${queue.url}\n`);
    }
    process.exitCode = summary.status === 'done' && summary.failed.length === 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

async function queuedStatus(batch: number, opts: JobsStatusCliOptions): Promise<void> {
  const { parseRedisUrl } = await import('../../engine/queue/redis-target.ts');
  const { openQueueLink } = await import('../../engine/queue/dispatch/queue-link.ts');
  const { readBatchStatus } = await import('../../engine/queue/dispatch/batch-status.ts');
  const link = await openQueueLink(parseRedisUrl(opts.redis as string, '--redis'));
  try {
    const status = await readBatchStatus(link, batch);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    if (opts.json) {
      printJson(status.kind === 'upscale' ? upscaleStatusJson(status) : status);
    } else if (status.kind === 'upscale') {
      out(
        `Batch ${batch} on ${status.url} (upscale): ${status.ok} done, ${status.failed.length} failed, ${status.skipped.length} skipped, ${status.remaining} remaining (${status.active} in progress).`,
      );
      for (const f of status.failed) out(`  failed ${f.input}: ${f.error}`);
    } else {
      out(
        `Batch ${batch} on ${status.url} (eval ${status.method} ×${status.scale}): ${status.images.length} scored, ${status.failed.length} failed, ${status.remaining} remaining (${status.active} in progress).`,
      );
      for (const image of status.images) out(`  ${image.name}: ${formatDb(image.psnr)} dB, SSIM ${image.ssim.toFixed(4)}`);
      for (const f of status.failed) out(`  failed ${f.input}: ${f.error}`);
    }
    if (!opts.json) out(`Workers online: ${status.workersOnline.length === 0 ? 'none' : status.workersOnline.join(', ')}`);
    process.exitCode = status.status === 'done' && status.failed.length === 0 ? 0 : 1;
  } finally {
    await link.close();
  }
}

/** The same document as `upscale --json` prints, with the batch in place of this machine's job id. */
function upscaleStatusJson(status: Extract<BatchStatus, { kind: 'upscale' }>): unknown {
  const { job: _job, ...summary } = toJson(status) as Record<string, unknown>;
  return {
    kind: 'upscale',
    batch: status.batch,
    queue: status.url,
    ...summary,
    active: status.active,
    workersOnline: status.workersOnline,
  };
}
