import path from 'node:path';
import { z } from 'zod';
import { SrError } from '../errors.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import type { JobRecord, JobsRepo } from '../store/jobs-repo.ts';
import { compareText, type Discovery, discoverInputs } from './discover-inputs.ts';
import { ensureOutputFolder } from './output-folder.ts';
import { validateNameTemplate } from './output-naming.ts';
import { outputExistsError, planOutputs } from './plan-outputs.ts';
import { scaleLabel, sizingOf, UpscaleRequest, type UpscaleRequestInput } from './upscale-request.ts';

/** What an upscale job stores as its params: the request, and the exact model file it runs. */
export const UpscaleJobParams = z.object({
  version: z.literal(1),
  request: UpscaleRequest,
  model: z.object({ id: z.string(), path: z.string() }),
  /**
   * Set when queue workers upscale the files (`--queue`): the Redis URL without its password, the batch's number
   * there, and how often a file is tried. This journal then mirrors what the workers report.
   */
  queue: z.object({ url: z.string(), batch: z.number().int().positive(), attempts: z.number().int().positive() }).optional(),
});
export type UpscaleJobParams = z.infer<typeof UpscaleJobParams>;

/** Validates a request (paths made absolute) or throws BAD_ARGUMENT with the first problem. */
export function parseUpscaleRequest(input: UpscaleRequestInput): UpscaleRequest {
  const parsed = UpscaleRequest.safeParse({
    ...input,
    inputs: input.inputs.map((p) => path.resolve(p)),
    outDir: path.resolve(input.outDir),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new SrError(
      'BAD_ARGUMENT',
      `Invalid upscale settings: ${where}${issue.message}`,
      'Check the options (see `srstudio upscale --help`).',
    );
  }
  validateNameTemplate(parsed.data.nameTemplate);
  return parsed.data;
}

/**
 * Plans a batch and writes its journal: one row per input, with its output path fixed now (so a resume maps every
 * file the same way) and the skipped and failed inputs already recorded with their reasons. Nothing is written
 * to the output folder except the folder itself (made only once there are inputs, and proved writable with a temp
 * file that is removed at once). Throws (and creates no job) when the batch cannot start: no images at all, an output
 * folder it cannot make or write, or outputs that exist under the default `refuse` policy. The job is 'queued', or
 * with `claim` already 'running' in this process (see `JobsRepo.claim`).
 */
export function createUpscaleJob(
  jobs: JobsRepo,
  request: UpscaleRequest,
  model: LoadedModel,
  options: { claim?: boolean; queue?: UpscaleJobParams['queue'] } = {},
): JobRecord {
  const discovery = discoverInputs(request.inputs, { recursive: request.recursive, excludeDir: request.outDir });
  if (discovery.files.length === 0) throw nothingToDo(discovery);
  // Only now: a batch that cannot start leaves no folder behind.
  ensureOutputFolder(request.outDir);

  const plan = planOutputs(discovery.files, {
    outDir: request.outDir,
    nameTemplate: request.nameTemplate,
    format: request.format,
    scaleLabel: scaleLabel(sizingOf(request, model.meta.scale)),
    modelId: model.meta.id,
    existing: request.existing,
  });
  if (plan.conflicts.length > 0) throw outputExistsError(plan.conflicts);

  const rows: PlannedRow[] = [
    ...plan.items.map((i): PlannedRow => ({ input: i.input, output: i.output, status: i.status, reason: i.reason ?? null })),
    ...plan.earlierOutputs.map((s): PlannedRow => ({ input: s.input, output: null, status: 'skipped', reason: s.reason })),
    ...discovery.skipped.map((s): PlannedRow => ({ input: s.input, output: null, status: 'skipped', reason: s.reason })),
    ...discovery.failed.map(
      (f): PlannedRow => ({ input: f.input, output: null, status: 'failed', reason: f.error.code, error: f.error.message }),
    ),
  ];
  rows.sort((a, b) => compareText(a.input, b.input));

  const params: UpscaleJobParams = {
    version: 1,
    request,
    model: { id: model.meta.id, path: model.path },
    ...(options.queue ? { queue: options.queue } : {}),
  };
  return journalUpscaleJob(jobs, params, rows, options);
}

/** One input of a planned batch, as the journal gets it: its output path, or why it is skipped or failed already. */
export interface PlannedRow {
  input: string;
  output: string | null;
  status: 'pending' | 'skipped' | 'failed';
  reason: string | null;
  error?: string | null;
}

/**
 * Writes a planned batch to the journal, in the rows' order (their seq): the job and all its rows in one
 * transaction, so another process (a job queue) never sees the job without its items; with `claim`, already
 * 'running' in this process.
 */
export function journalUpscaleJob(
  jobs: JobsRepo,
  params: UpscaleJobParams,
  rows: readonly PlannedRow[],
  options: { claim?: boolean } = {},
): JobRecord {
  return jobs.atomically(() => {
    const job = jobs.create('upscale', params);
    jobs.addItems(
      job.id,
      rows.map(({ input, output, status, reason }) => ({ input, output, status, reason })),
    );
    // addItems has no error column; failed rows get their message in a second step.
    const failedMessages = new Map(rows.filter((r) => r.error != null).map((r) => [r.input, r.error as string]));
    for (const item of jobs.items(job.id, 'failed')) {
      const message = failedMessages.get(item.input);
      if (message !== undefined) jobs.markItem(item.id, 'failed', { error: message });
    }
    if (!options.claim) return job;
    const claim = jobs.claim(job.id, ['queued']);
    if (!claim.claimed) throw new SrError('INTERNAL', `Job ${job.id} could not be claimed as it was created`, 'Try again.');
    return claim.job;
  });
}

/** Reads a job's params back; a job written by another version or edited by hand is refused clearly. */
export function readUpscaleJobParams(job: JobRecord): UpscaleJobParams {
  const parsed = UpscaleJobParams.safeParse(job.params);
  if (!parsed.success) {
    throw new SrError('INTERNAL', `Upscale job ${job.id} has settings this version cannot read`, 'Start the batch again as a new job.');
  }
  return parsed.data;
}

function nothingToDo(discovery: Discovery): SrError {
  // A single missing or unreadable input says more than "no images".
  if (discovery.failed.length > 0 && discovery.skipped.length === 0) return discovery.failed[0].error;
  const reasons = [...new Set(discovery.skipped.map((s) => s.reason))].slice(0, 3).join('; ');
  return new SrError(
    'NO_IMAGES',
    `No images to upscale in the given inputs${reasons ? ` (skipped: ${reasons})` : ''}`,
    'Pass image files (jpg, png, heic, webp, avif, tiff, gif) or folders that contain them; add --recursive for sub-folders.',
  );
}
