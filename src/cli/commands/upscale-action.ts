import path from 'node:path';
import { SrError } from '../../engine/errors.ts';
import { parseUpscaleRequest } from '../../engine/jobs/create-upscale-job.ts';
import type { UpscaleJobEvent } from '../../engine/jobs/job-events.ts';
import type { UpscaleJobSummary } from '../../engine/jobs/job-summary.ts';
import { findResumableJobFor } from '../../engine/jobs/resume-target.ts';
import { runUpscaleJob } from '../../engine/jobs/run-upscale-job.ts';
import { StartupClock } from '../../engine/jobs/startup-clock.ts';
import { DEFAULT_NAME_TEMPLATE, type ExistingPolicy, FormatChoice, type UpscaleRequestInput } from '../../engine/jobs/upscale-request.ts';
import { DEVICES } from '../../engine/models/execution-providers.ts';
import type { QueueChoice } from '../../engine/queue/dispatch/queued-upscale.ts';
import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { openStore, type Store } from '../../engine/store/store.ts';
import { PRECISIONS } from '../../shared/model-meta.ts';
import { defaultOutputFolder } from '../default-output.ts';
import { shouldPrintNotice } from '../notices.ts';
import { printJson } from '../output.ts';
import { parsePositive, parseStrength } from '../parse-number.ts';
import { pipelineChoice } from '../pipeline-option.ts';
import { logEvent, printSummary, toJson } from '../upscale-report.ts';

export interface UpscaleCliOptions {
  out?: string;
  recursive?: boolean;
  scale?: string;
  width?: string;
  height?: string;
  model?: string;
  format: string;
  quality?: string;
  pngCompression?: string;
  name: string;
  skipExisting?: boolean;
  overwrite?: boolean;
  tile?: string;
  maxPixels?: string;
  device?: string;
  precision?: string;
  strength?: string;
  resume?: string | boolean;
  state?: string;
  json?: boolean;
  queue?: string;
  attempts: string;
  pipeline: string;
  threads: string;
}

/** `srstudio upscale`: runs or resumes a batch; loaded only when the command runs. */
export async function upscaleAction(inputs: string[], opts: UpscaleCliOptions): Promise<void> {
  // Node's start, tsx and the engine's modules: everything until this command could run.
  const startup = new StartupClock();
  startup.lap('modules');
  const pipeline = await pipelineChoice(opts);
  let resume = parseResume(opts.resume);
  // `--resume` appended to the original command line (up-arrow): the settings must match the batch it resumes.
  const recalled = resume !== undefined && batchSettingsGiven(inputs, opts).length > 0;
  if (recalled && inputs.length === 0) throw batchSettingsWithoutInput(batchSettingsGiven(inputs, opts));
  const request = resume === undefined || recalled ? toRequest(inputs, opts) : undefined;
  const queue = opts.queue === undefined ? undefined : await queueChoice(opts);

  const stateDir = resolveStateDir(opts.state);
  const store = openStore(stateDir);
  startup.lap('store');
  try {
    // With --queue, --resume N is batch N on that queue (as printed when it was queued): followed from any machine
    // that sees the queue and the files, by the job here that follows it, or a new one made from its plan in Redis.
    if (queue && typeof resume === 'number') resume = (await adoptBatch(store, queue, resume)).id;
    if (recalled && request) {
      resume = findResumableJobFor(new JobsRepo(store), resume === 'latest' ? undefined : resume, parseUpscaleRequest(request));
    }
  } catch (error) {
    store.close();
    throw error;
  }
  const controller = new AbortController();
  // The bar's package loads only for a terminal that shows it.
  const bar = process.stderr.isTTY && !opts.json ? new (await import('../progress-bar.ts')).UpscaleProgressBar() : undefined;
  let jobId: number | undefined;
  let signalName: NodeJS.Signals | undefined;

  // First Ctrl-C: stop cleanly (the file in progress is abandoned before anything of it is written, or finished if
  // it is being written). Second: quit at once; the journal already says which files are done, and a resume
  // deletes any temp file this leaves.
  const onSignal = (name: NodeJS.Signals): void => {
    if (signalName !== undefined) {
      bar?.stop();
      if (jobId !== undefined) {
        try {
          new JobsRepo(store).setStatus(jobId, 'interrupted');
        } catch {
          // The next start marks it interrupted anyway, from its dead owner pid.
        }
        process.stderr.write(`Stopped. Resume with: ${resumeCommand(jobId, opts.state)}\n`);
      }
      quitAtOnce(name, onSignal);
    }
    signalName = name;
    process.stderr.write('\nStopping… (press Ctrl-C again to quit at once)\n');
    controller.abort(new SrError('CANCELLED', `Stopped by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const summary = await runUpscaleJob({
      store,
      request: resume === undefined ? request : undefined,
      resume,
      queue,
      pipeline,
      startup,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'job-start') jobId = event.jobId;
        if (event.type === 'job-start' && event.queue) process.stderr.write(`${queuedLine(event)}\n`);
        if (event.type === 'notice' && !opts.json && shouldPrintNotice(event.message))
          process.stderr.write(`${bar ? '\n' : ''}note: ${event.message}\n`);
        bar?.handle(event);
        if (!bar && !opts.json) logEvent(event);
      },
    });
    bar?.stop();
    if (opts.json) {
      printJson(toJson(summary));
      if (summary.status !== 'done')
        process.stderr.write(`Job ${summary.job} ${summary.status}. Resume with: ${resumeCommand(summary.job, opts.state)}\n`);
    } else {
      printSummary(summary, resumeCommand(summary.job, opts.state));
    }
    process.exitCode = exitCodeFor(summary, signalName);
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    store.close();
  }
}

/** 0 all files ok; 1 some failed or the batch stopped on its own (disk full); 130/143 stopped by a signal. */
function exitCodeFor(summary: UpscaleJobSummary, signalName: NodeJS.Signals | undefined): number {
  if (summary.status !== 'done' && signalName) return exitCodeForSignal(signalName);
  return summary.failed.length > 0 || summary.status !== 'done' ? 1 : 0;
}

/**
 * The second Ctrl-C: the signal is raised again with its default action, so the system ends the process there and then
 * (status 130 or 143 in the shell, as for any program stopped by it). process.exit would first stop the inference
 * worker, and ONNX Runtime aborts a process whose worker is stopped inside a run or an opening ("terminate called
 * after throwing an instance of 'Napi::Error'", status 134). Nothing is lost either way: the journal says which files
 * are done, and a resume deletes any temp file left.
 */
function quitAtOnce(name: NodeJS.Signals, handler: (name: NodeJS.Signals) => void): void {
  process.off('SIGINT', handler);
  process.off('SIGTERM', handler);
  // With no handler left, the default action ends the whole process as soon as the signal is delivered, whichever
  // thread takes it; only a signal that someone else still handles would come back here, and then exit does.
  if (process.listenerCount(name) === 0) process.kill(process.pid, name);
  else process.exit(exitCodeForSignal(name));
}

function exitCodeForSignal(name: NodeJS.Signals): number {
  return name === 'SIGTERM' ? 143 : 130;
}

/** The queue's code (BullMQ, ioredis) loads only for a batch that uses it. */
async function adoptBatch(store: Store, queue: QueueChoice, batch: number): Promise<JobRecord> {
  const { adoptQueuedBatch } = await import('../../engine/queue/dispatch/adopt-batch.ts');
  return adoptQueuedBatch(new JobsRepo(store), queue.target, batch, store.dir);
}

/** The queue is parsed here but its code (BullMQ, ioredis) loads only now, for a batch that uses it. */
async function queueChoice(opts: UpscaleCliOptions): Promise<QueueChoice> {
  const { parseRedisUrl } = await import('../../engine/queue/redis-target.ts');
  return {
    target: parseRedisUrl(opts.queue as string, '--queue'),
    attempts: parsePositive(opts.attempts, '--attempts', { integer: true }),
  };
}

function queuedLine(event: Extract<UpscaleJobEvent, { type: 'job-start' }>): string {
  const batch = event.queue as NonNullable<typeof event.queue>;
  const what = event.resumed ? `Following batch ${batch.batch} again` : `Batch ${batch.batch} queued`;
  return `${what} on ${batch.url}: ${event.toDo} file(s) for the workers (job ${event.jobId} in this machine's journal)`;
}

function parseResume(value: string | boolean | undefined): number | 'latest' | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'latest';
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1)
    throw new SrError(
      'BAD_ARGUMENT',
      `--resume takes a job id (a whole number), got "${value}"`,
      'Pass --resume alone for the latest unfinished batch.',
    );
  return id;
}

/** The batch settings given on the command line, by their flags. */
function batchSettingsGiven(inputs: string[], opts: UpscaleCliOptions): string[] {
  return [
    inputs.length > 0 ? 'INPUT' : undefined,
    ...(
      [
        'out',
        'recursive',
        'scale',
        'width',
        'height',
        'model',
        'quality',
        'pngCompression',
        'skipExisting',
        'overwrite',
        'tile',
        'maxPixels',
        'device',
        'precision',
        'strength',
      ] as const
    ).map((k) => (opts[k] !== undefined ? `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : undefined)),
    opts.format !== 'keep' ? '--format' : undefined,
    opts.name !== DEFAULT_NAME_TEMPLATE ? '--name' : undefined,
  ].filter((x): x is string => x !== undefined);
}

function batchSettingsWithoutInput(given: string[]): SrError {
  return new SrError(
    'BAD_ARGUMENT',
    `--resume continues a batch with its original settings; ${given.join(', ')} alone cannot be matched or changed`,
    'Run --resume alone (with --state if needed), or repeat the whole original command line with --resume appended.',
  );
}

function toRequest(inputs: string[], opts: UpscaleCliOptions): UpscaleRequestInput {
  if (inputs.length === 0) throw new SrError('BAD_ARGUMENT', 'No inputs given', 'Usage: srstudio upscale INPUT... [-o OUT] (or --resume).');
  if (opts.skipExisting && opts.overwrite)
    throw new SrError('BAD_ARGUMENT', '--skip-existing and --overwrite contradict each other', 'Pass one of them.');
  const format = FormatChoice.safeParse(opts.format);
  if (!format.success) throw new SrError('BAD_ARGUMENT', `Unknown --format "${opts.format}"`, `Use ${FormatChoice.options.join(', ')}.`);
  if (opts.device !== undefined && !(DEVICES as readonly string[]).includes(opts.device)) {
    throw new SrError('BAD_ARGUMENT', `Unknown --device "${opts.device}"`, `Use ${DEVICES.join(', ')}.`);
  }
  if (opts.precision !== undefined && !(PRECISIONS as readonly string[]).includes(opts.precision)) {
    throw new SrError('BAD_ARGUMENT', `Unknown --precision "${opts.precision}"`, `Use ${PRECISIONS.join(', ')}.`);
  }
  const existing: ExistingPolicy = opts.skipExisting ? 'skip' : opts.overwrite ? 'overwrite' : 'refuse';
  return {
    inputs,
    outDir: opts.out ?? defaultOutputFolder(inputs),
    recursive: opts.recursive === true,
    scale: parseNumber(opts.scale, '--scale', { integer: false }),
    width: parseNumber(opts.width, '--width', { integer: true }),
    height: parseNumber(opts.height, '--height', { integer: true }),
    model: opts.model,
    format: format.data,
    quality: parseNumber(opts.quality, '--quality', { integer: true }),
    pngCompression: parseLevel(opts.pngCompression, '--png-compression'),
    nameTemplate: opts.name,
    existing,
    tile: parseNumber(opts.tile, '--tile', { integer: true }),
    maxPixels: parseNumber(opts.maxPixels, '--max-pixels', { integer: true }),
    device: opts.device as UpscaleRequestInput['device'],
    precision: opts.precision as UpscaleRequestInput['precision'],
    strength: opts.strength === undefined ? undefined : parseStrength(opts.strength),
  };
}

/** "2", "x2" and "2x" all mean ×2. */
function parseNumber(text: string | undefined, flag: string, { integer }: { integer: boolean }): number | undefined {
  if (text === undefined) return undefined;
  return parsePositive(flag === '--scale' ? text.replace(/^[x×]|[x×]$/gi, '') : text, flag, { integer });
}

/** A whole number from 0 to 9 (0 is a valid level, which parsePositive would refuse). */
function parseLevel(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const level = Number(text);
  if (!/^\d$/.test(text.trim()) || !Number.isInteger(level))
    throw new SrError('BAD_ARGUMENT', `${flag} takes a whole number from 0 to 9, got "${text}"`, `Pass e.g. ${flag} 3.`);
  return level;
}

function resumeCommand(jobId: number, stateFlag: string | undefined): string {
  return `srstudio upscale --resume ${jobId}${stateFlag ? ` --state ${JSON.stringify(path.resolve(stateFlag))}` : ''}`;
}
