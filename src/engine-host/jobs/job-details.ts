import { readUpscaleJobParams } from '../../engine/jobs/create-upscale-job.ts';
import { type JobItemRecord, type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { ResultOf, UpscaleParams } from '../../shared/contract/index.ts';
import { toJobSummary } from './job-summary.ts';

type Details = ResultOf<'jobs.details'>;
type Item = Details['items'][number];

/** The engine's stored request, back in the contract's words (the inverse of upscale-runner's `toRequest`). */
function upscaleParamsOf(job: JobRecord): UpscaleParams {
  const { request, model } = readUpscaleJobParams(job);
  return {
    inputs: request.inputs,
    outputFolder: request.outDir,
    recursive: request.recursive,
    ...(request.scale !== undefined ? { scale: request.scale } : {}),
    ...(request.width !== undefined ? { width: request.width } : {}),
    ...(request.height !== undefined ? { height: request.height } : {}),
    // The model the job actually runs (resolved when it was queued), so the details say which file it is.
    model: request.model ?? model.id,
    format: request.format,
    ...(request.quality !== undefined ? { quality: request.quality } : {}),
    ...(request.pngCompression !== undefined ? { pngCompression: request.pngCompression } : {}),
    nameTemplate: request.nameTemplate,
    existing: request.existing,
    ...(request.tile !== undefined ? { tileSize: request.tile } : {}),
    ...(request.device !== undefined ? { device: request.device } : {}),
    ...(request.precision !== undefined ? { precision: request.precision } : {}),
    ...(request.strength !== undefined ? { strength: request.strength } : {}),
  };
}

/** A journal item as the contract shows it: a file being worked on is still 'pending'; a skip says why. */
function toItem(item: JobItemRecord): Item {
  const state = item.status === 'running' ? 'pending' : item.status;
  const error = item.error ?? (item.status === 'skipped' ? item.reason : null);
  return {
    input: item.input,
    ...(item.output ? { output: item.output } : {}),
    state,
    ...(error ? { error: error.slice(0, 2000) } : {}),
    seconds: item.seconds !== null && Number.isFinite(item.seconds) && item.seconds >= 0 ? item.seconds : null,
  };
}

/** `jobs.details`: the job, its request (upscale jobs) and every item with its status, reason and output. */
export function jobDetails(store: Store, job: JobRecord): Details {
  return {
    job: toJobSummary(store, job),
    ...(job.kind === 'upscale' ? { params: upscaleParamsOf(job) } : {}),
    items: new JobsRepo(store).items(job.id).map(toItem),
  };
}
