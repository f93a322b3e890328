import { summarizeJob, type UpscaleJobSummary } from '../../jobs/job-summary.ts';
import { skipForAppearedOutput } from '../../jobs/plan-outputs.ts';
import type { ExistingPolicy } from '../../jobs/upscale-request.ts';
import type { JobItemRecord } from '../../store/jobs-repo.ts';
import { type EvalBatchManifest, readManifest, type UpscaleBatchManifest } from '../batch-manifest.ts';
import { type FileOutcome, readOutcomes } from '../batch-outcomes.ts';
import { parseFailureReason } from '../failure-reason.ts';
import { EvalImageResult, UpscaleFileResult } from '../file-jobs.ts';
import { onlineWorkers } from './queue-info.ts';
import type { QueueLink } from './queue-link.ts';

/** A queued batch as Redis alone tells it, from any machine: `srstudio jobs status ID --redis URL`. */
export type BatchStatus =
  | (UpscaleJobSummary & { kind: 'upscale'; batch: number; url: string; active: number; workersOnline: string[] })
  | {
      kind: 'eval';
      batch: number;
      url: string;
      status: 'done' | 'running';
      method: string;
      scale: number;
      data: string;
      images: { name: string; psnr: number | null; ssim: number }[];
      failed: { input: string; error: string; code: string | null }[];
      remaining: number;
      active: number;
      workersOnline: string[];
    };

export async function readBatchStatus(link: QueueLink, batch: number): Promise<BatchStatus> {
  const manifest = await readManifest(link.redis, batch, link.target.display);
  const workersOnline = await onlineWorkers(link.queue);
  return manifest.kind === 'upscale' ? upscaleStatus(link, manifest, workersOnline) : evalStatus(link, manifest, workersOnline);
}

async function upscaleStatus(link: QueueLink, manifest: UpscaleBatchManifest, workersOnline: string[]): Promise<BatchStatus> {
  const pending = manifest.items.filter((i) => i.status === 'pending').map((i) => i.seq);
  const outcomes = await readOutcomes(link.queue, manifest.batch, pending);
  let active = 0;
  const items = manifest.items.map((planned, index): JobItemRecord => {
    const base: JobItemRecord = { ...planned, id: index, jobId: manifest.batch, width: null, height: null, seconds: null };
    if (planned.status !== 'pending') return base;
    const outcome = outcomes.get(planned.seq) ?? { state: 'missing' };
    if (outcome.state === 'active') active++;
    return withOutcome(base, outcome, manifest.request.existing);
  });
  const remaining = items.filter((i) => i.status === 'pending' || i.status === 'running').length;
  const summary = summarizeJob({ id: manifest.batch, status: remaining === 0 ? 'done' : 'running', error: null }, items, {
    seconds: 0,
    megapixelsPerSecond: null,
  });
  return { ...summary, kind: 'upscale', batch: manifest.batch, url: link.target.display, active, workersOnline };
}

function withOutcome(item: JobItemRecord, outcome: FileOutcome, existing: ExistingPolicy): JobItemRecord {
  if (outcome.state === 'done') {
    const result = UpscaleFileResult.safeParse(outcome.result);
    if (result.success)
      return { ...item, status: 'done', width: result.data.width, height: result.data.height, seconds: result.data.seconds };
  }
  if (outcome.state === 'failed') {
    const error = parseFailureReason(outcome.reason);
    // As the journal records it (journal-mirror.ts): under skip, an output that appeared after planning skips the file.
    const reason = skipForAppearedOutput(error.code, existing, item.output);
    if (reason !== undefined) return { ...item, status: 'skipped', reason };
    return { ...item, status: 'failed', error: error.message, reason: error.code };
  }
  return { ...item, status: outcome.state === 'active' ? 'running' : 'pending' };
}

async function evalStatus(link: QueueLink, manifest: EvalBatchManifest, workersOnline: string[]): Promise<BatchStatus> {
  const outcomes = await readOutcomes(
    link.queue,
    manifest.batch,
    manifest.images.map((_, seq) => seq),
  );
  const images: { name: string; psnr: number | null; ssim: number }[] = [];
  const failed: { input: string; error: string; code: string | null }[] = [];
  let active = 0;
  for (const [seq, outcome] of outcomes) {
    if (outcome.state === 'active') active++;
    if (outcome.state === 'failed') {
      const error = parseFailureReason(outcome.reason);
      failed.push({ input: manifest.images[seq], error: error.message, code: error.code });
    }
    const result = outcome.state === 'done' ? EvalImageResult.safeParse(outcome.result) : undefined;
    if (result?.success) images.push({ name: result.data.name, psnr: result.data.psnr, ssim: result.data.ssim });
  }
  const remaining = manifest.images.length - images.length - failed.length;
  return {
    kind: 'eval',
    batch: manifest.batch,
    url: link.target.display,
    status: remaining === 0 ? 'done' : 'running',
    method: manifest.method.name,
    scale: manifest.scale,
    data: manifest.data,
    images,
    failed,
    remaining,
    active,
    workersOnline,
  };
}
