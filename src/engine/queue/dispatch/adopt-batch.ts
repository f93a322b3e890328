import path from 'node:path';
import { SrError } from '../../errors.ts';
import { journalUpscaleJob, UpscaleJobParams } from '../../jobs/create-upscale-job.ts';
import type { JobRecord, JobsRepo } from '../../store/jobs-repo.ts';
import { readManifest, type UpscaleBatchManifest } from '../batch-manifest.ts';
import { ModelCache } from '../model-transport.ts';
import type { RedisTarget } from '../redis-target.ts';
import { openQueueLink } from './queue-link.ts';

/**
 * The job in this journal that follows queued batch `batch` on `target`, for `upscale --queue URL --resume BATCH`
 * from any machine that sees the queue and the files: the job that already follows it (this machine queued it, or
 * adopted it before), else a new one written from the batch's plan in Redis, with the same files in the same order
 * (so its items line up with the queue's `batch-seq` jobs). The batch's model comes the way a worker gets it (by its
 * sha256, into `<stateDir>/queue-models`), since the path it was queued from may not exist here. The job is then
 * resumed like any queued job: it catches up with what the workers did and adds back what the queue lost.
 */
export async function adoptQueuedBatch(jobs: JobsRepo, target: RedisTarget, batch: number, stateDir: string): Promise<JobRecord> {
  const known = jobs.list({ kind: 'upscale' }).find((job) => {
    const queue = UpscaleJobParams.safeParse(job.params).data?.queue;
    return queue?.url === target.display && queue.batch === batch;
  });
  if (known) return known;

  const link = await openQueueLink(target);
  try {
    const manifest = await readManifest(link.redis, batch, target.display);
    if (manifest.kind !== 'upscale') {
      throw new SrError(
        'BAD_ARGUMENT',
        `Batch ${batch} on ${target.display} is an evaluation, not an upscale batch`,
        `Read its scores with \`srstudio jobs status ${batch} --redis ${target.display}\`.`,
      );
    }
    const model = await new ModelCache(path.join(stateDir, 'queue-models'), link.redis, stateDir).get(manifest.model);
    const params: UpscaleJobParams = {
      version: 1,
      request: manifest.request,
      model: { id: model.meta.id, path: model.path },
      queue: { url: target.display, batch, attempts: manifest.attempts },
    };
    return journalUpscaleJob(jobs, params, plannedRows(manifest));
  } finally {
    await link.close();
  }
}

/** The plan's rows in seq order, which must run 0, 1, 2 … as the journal numbers them. */
function plannedRows(manifest: UpscaleBatchManifest): UpscaleBatchManifest['items'] {
  const rows = [...manifest.items].sort((a, b) => a.seq - b.seq);
  if (rows.some((row, index) => row.seq !== index)) {
    throw new SrError(
      'INTERNAL',
      `Batch ${manifest.batch}'s plan numbers its files with gaps, which this SR Studio version cannot follow`,
      'Use the same SR Studio version on every machine.',
    );
  }
  return rows;
}
