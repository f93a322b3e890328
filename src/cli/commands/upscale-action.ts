import path from 'node:path';
import { SrError } from '../../engine/errors.ts';
import type { UpscaleJobSummary } from '../../engine/jobs/job-summary.ts';
import { runUpscaleJob } from '../../engine/jobs/run-upscale-job.ts';
import { DEFAULT_NAME_TEMPLATE, type ExistingPolicy, FormatChoice, type UpscaleRequestInput } from '../../engine/jobs/upscale-request.ts';
import { DEVICES } from '../../engine/models/execution-providers.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { openStore } from '../../engine/store/store.ts';
import { PRECISIONS } from '../../shared/model-meta.ts';
import { defaultOutputFolder } from '../default-output.ts';
import { printJson } from '../output.ts';
import { UpscaleProgressBar } from '../progress-bar.ts';
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
  name: string;
  skipExisting?: boolean;
  overwrite?: boolean;
  tile?: string;
  device?: string;
  precision?: string;
  resume?: string | boolean;
  state?: string;
  json?: boolean;
}

/** `srstudio upscale`: runs or resumes a batch; loaded only when the command runs. */
export async function upscaleAction(inputs: string[], opts: UpscaleCliOptions): Promise<void> {
  const resume = parseResume(opts.resume);
  const request = resume === undefined ? toRequest(inputs, opts) : undefined;
  if (resume !== undefined) assertNoBatchSettings(inputs, opts);

  const stateDir = resolveStateDir(opts.state);
  const store = openStore(stateDir);
  const controller = new AbortController();
  const bar = process.stderr.isTTY && !opts.json ? new UpscaleProgressBar() : undefined;
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
      process.exit(exitCodeForSignal(name));
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
      request,
      resume,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'job-start') jobId = event.jobId;
        if (event.type === 'notice' && !opts.json) process.stderr.write(`${bar ? '\n' : ''}note: ${event.message}\n`);
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

function exitCodeForSignal(name: NodeJS.Signals): number {
  return name === 'SIGTERM' ? 143 : 130;
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

function assertNoBatchSettings(inputs: string[], opts: UpscaleCliOptions): void {
  const given = [
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
        'skipExisting',
        'overwrite',
        'tile',
        'device',
        'precision',
      ] as const
    ).map((k) => (opts[k] !== undefined ? `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : undefined)),
    opts.format !== 'keep' ? '--format' : undefined,
    opts.name !== DEFAULT_NAME_TEMPLATE ? '--name' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (given.length > 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `--resume continues a batch with its original settings; ${given.join(', ')} cannot be changed`,
      'Run --resume alone (with --state if needed), or start a new batch.',
    );
  }
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
    nameTemplate: opts.name,
    existing,
    tile: parseNumber(opts.tile, '--tile', { integer: true }),
    device: opts.device as UpscaleRequestInput['device'],
    precision: opts.precision as UpscaleRequestInput['precision'],
  };
}

/** "2", "x2" and "2x" all mean ×2. */
function parseNumber(text: string | undefined, flag: string, { integer }: { integer: boolean }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(flag === '--scale' ? text.replace(/^[x×]|[x×]$/gi, '') : text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${text}"`,
      `e.g. ${flag} ${integer ? '512' : '2'}`,
    );
  }
  return value;
}

function resumeCommand(jobId: number, stateFlag: string | undefined): string {
  return `srstudio upscale --resume ${jobId}${stateFlag ? ` --state ${JSON.stringify(path.resolve(stateFlag))}` : ''}`;
}
