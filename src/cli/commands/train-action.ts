import { resolveDegradation } from '../../engine/degrade/index.ts';
import { isClean } from '../../engine/degrade/presets.ts';
import { SrError } from '../../engine/errors.ts';
import { DEVICES, type Device } from '../../engine/models/execution-providers.ts';
import { loadModel } from '../../engine/models/registry.ts';
import { RunsRepo } from '../../engine/store/runs-repo.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { openStore } from '../../engine/store/store.ts';
import { type ArchSpec, inputKindOf, parseArch } from '../../engine/training/architectures.ts';
import type { TrainEvent } from '../../engine/training/events.ts';
import { DEFAULT_CONFIG, defaultPatch, SAMPLING_MODES, type TrainConfig } from '../../engine/training/train-config.ts';
import { resumeTraining, startTraining, type TrainResult } from '../../engine/training/trainer.ts';
import { resolveWarmStart } from '../../engine/training/warm-start.ts';
import { networkOf } from '../../shared/model-title.ts';
import { shouldPrintNotice } from '../notices.ts';
import { formatDb, printJson } from '../output.ts';

export interface TrainCliOptions {
  arch?: string;
  scale?: string;
  data?: string;
  val?: string;
  steps?: string;
  batch?: string;
  patch?: string;
  lr?: string;
  seed?: string;
  schedule?: string;
  loss?: string;
  sampling?: string;
  stride?: string;
  augment: boolean;
  valEvery?: string;
  checkpointEvery?: string;
  device?: string;
  out?: string;
  resume?: string;
  init?: string;
  degrade?: string;
  state?: string;
  json?: boolean;
}

/** `srstudio train`: starts or resumes a run; loaded only when the command runs. */
export async function trainAction(opts: TrainCliOptions): Promise<void> {
  const stateDir = resolveStateDir(opts.state);
  const store = openStore(stateDir);
  const controller = new AbortController();
  // First Ctrl-C: finish the current step, checkpoint, exit. A second one is Node's default (kill).
  const onSigint = () => {
    process.stderr.write('\nsrstudio: stopping after this step and saving a checkpoint…\n');
    controller.abort('cancel');
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  const progress = new ProgressLine(process.stderr.isTTY === true && !opts.json);
  try {
    new RunsRepo(store).markRunningAsInterrupted();
    // Notices (skipped images, device fallbacks) reach stderr in every mode; on a terminal the progress line shows them.
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'notice' && !shouldPrintNotice(e.message)) return;
      if (e.type === 'notice' && !progress.enabled) process.stderr.write(`note: ${e.message}\n`);
      progress.update(e);
    };
    const options = { signal: controller.signal, onEvent, logEvery: 5 };
    const result = opts.resume
      ? await resumeTraining(store, parseRunId(opts.resume), resumeOverrides(opts), options)
      : await startTraining(store, await configFrom(opts, stateDir), options);
    progress.done();
    report(result, opts.json === true);
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') {
    const fineTune = flag === '--arch' || flag === '--scale' ? ', or --init MODEL to fine-tune a model (its own is taken)' : '';
    throw new SrError(
      'BAD_ARGUMENT',
      `${flag} is required to start a run`,
      `Pass ${flag}${fineTune}, or --resume RUN to continue an earlier run.`,
    );
  }
  return value;
}

function number(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new SrError('BAD_ARGUMENT', `${flag} must be a number, not "${text}"`, `Pass ${flag} a number.`);
  return value;
}

function device(text: string | undefined): Device {
  const value = (text ?? 'auto').toLowerCase();
  if (!(DEVICES as readonly string[]).includes(value))
    throw new SrError('BAD_ARGUMENT', `Unknown device "${text}"`, `Use --device ${DEVICES.join('|')}.`);
  return value as Device;
}

function choice<T extends string>(text: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new SrError('BAD_ARGUMENT', `Unknown ${flag} "${text}"`, `Use ${flag} ${allowed.join('|')}.`);
  return text as T;
}

/**
 * A fine-tune needs name only its parent: without --arch or --scale the run takes the parent's (its architecture
 * without the scale suffix, so that `--scale` may still change it, as for an SRCNN ×3 run from srcnn-x2).
 */
async function parentShape(opts: TrainCliOptions, stateDir: string): Promise<{ arch?: string; scale?: string }> {
  if (opts.init === undefined || (opts.arch !== undefined && opts.scale !== undefined)) return {};
  const { meta } = await loadModel(opts.init, { stateDir });
  const arch = networkOf(meta.architecture, meta.scale);
  // An imported model's architecture is not one SR Studio trains: then --arch is still asked for.
  return { arch: archOrNull(arch, meta.scale) ? arch : undefined, scale: String(meta.scale) };
}

/** The parsed architecture, or null where it does not parse (validateConfig names the problem later). */
function archOrNull(arch: string, scale: number): ArchSpec | null {
  try {
    return parseArch(arch, scale);
  } catch {
    return null;
  }
}

async function configFrom(opts: TrainCliOptions, stateDir: string): Promise<TrainConfig> {
  const d = DEFAULT_CONFIG;
  const parent = await parentShape(opts, stateDir);
  const arch = required(opts.arch ?? parent.arch, '--arch');
  const scale = number(required(opts.scale ?? parent.scale, '--scale'), '--scale', 0);
  const data = required(opts.data, '--data');
  const val = required(opts.val, '--val');
  const degrade = opts.degrade === undefined ? null : await resolveDegradation(opts.degrade);
  const config: TrainConfig = {
    arch,
    scale,
    data,
    val,
    steps: number(opts.steps, '--steps', d.steps),
    batch: number(opts.batch, '--batch', d.batch),
    patch: opts.patch === undefined ? patchFor(arch, scale, degrade) : number(opts.patch, '--patch', d.patch),
    lr: number(opts.lr, '--lr', d.lr),
    seed: number(opts.seed, '--seed', d.seed),
    schedule: choice(opts.schedule, '--schedule', ['constant', 'step', 'cosine'], d.schedule),
    loss: choice(opts.loss, '--loss', ['mse', 'l1'], d.loss),
    sampling: choice(opts.sampling, '--sampling', SAMPLING_MODES, d.sampling),
    stride: number(opts.stride, '--stride', d.stride),
    augment: opts.augment,
    valEvery: number(opts.valEvery, '--val-every', d.valEvery),
    checkpointEvery: number(opts.checkpointEvery, '--checkpoint-every', d.checkpointEvery),
    out: opts.out ?? null,
    device: device(opts.device),
    init: null,
    degrade,
  };
  // The parent is resolved (and hashed) once, after the cheap checks: the run stores what it started from.
  return opts.init === undefined ? config : { ...config, init: await resolveWarmStart(opts.init, { stateDir }) };
}

/** The default patch for this network and scale; a bad --arch or --scale is left for validateConfig to name. */
function patchFor(arch: string, scale: number, degrade: TrainConfig['degrade']): number {
  const spec = archOrNull(arch, scale);
  if (!spec) return DEFAULT_CONFIG.patch;
  return defaultPatch(scale, inputKindOf(spec), degrade !== null && !isClean(degrade.recipe));
}

function parseRunId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new SrError(
      'BAD_ARGUMENT',
      `--resume needs a run id, not "${text}"`,
      'Pass the run number printed by an earlier `srstudio train`.',
    );
  return id;
}

/** With --resume only the length and the device may change: everything else must match the run to reproduce it. */
function resumeOverrides(opts: TrainCliOptions): { steps?: number; device?: Device } {
  const ignored = (
    ['arch', 'scale', 'data', 'val', 'batch', 'patch', 'lr', 'seed', 'schedule', 'loss', 'sampling', 'out', 'init', 'degrade'] as const
  ).filter((k) => opts[k] !== undefined);
  if (ignored.length > 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `--resume continues a run with its stored settings; --${ignored.join(', --')} cannot change them`,
      'Drop those options (only --steps and --device may change), or start a new run.',
    );
  }
  return {
    steps: opts.steps === undefined ? undefined : number(opts.steps, '--steps', 0),
    device: opts.device === undefined ? undefined : device(opts.device),
  };
}

function report(result: TrainResult, json: boolean): void {
  if (result.status !== 'done') process.exitCode = 130;
  if (json) {
    printJson({
      run: result.run,
      arch: result.arch,
      scale: result.scale,
      status: result.status,
      steps: result.steps,
      seconds: result.seconds,
      trainingSeconds: result.trainingSeconds,
      lineageSeconds: result.lineageSeconds,
      samplesPerSecond: result.samplesPerSecond,
      best: result.best,
      bicubic: result.bicubic,
      model: result.model,
      dataWaits: { waits: result.data.waits, waitMs: result.data.waitMs, batches: result.data.batches },
    });
    return;
  }
  const lines = [
    `run ${result.run}: ${result.arch} ×${result.scale}, ${result.status} at step ${result.steps} (${result.samplesPerSecond.toFixed(0)} samples/s)`,
  ];
  if (result.best && result.bicubic) {
    lines.push(
      `best: step ${result.best.step}, ${formatDb(result.best.psnr)} dB / ${result.best.ssim.toFixed(4)} (bicubic ${formatDb(result.bicubic.psnr)} dB / ${result.bicubic.ssim.toFixed(4)})`,
    );
  }
  lines.push(`trained for ${duration(result.trainingSeconds)}${lineageNote(result)}`);
  if (result.model) lines.push(`model: ${result.model}`);
  if (result.status !== 'done') lines.push(`resume with: srstudio train --resume ${result.run}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What the run's lineage adds to its own training time. */
function lineageNote({ lineageSeconds, trainingSeconds, parent }: TrainResult): string {
  if (lineageSeconds === trainingSeconds) return '';
  if (lineageSeconds !== null) return `; ${duration(lineageSeconds)} with the model it started from`;
  return parent?.bundled
    ? `, on top of bundled ${parent.id} (resources/models/${parent.id}.md says how it was trained)`
    : '; unknown with the model it started from';
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One rewritten stderr line, only on a terminal: step/total, loss, samples/s, last validation vs bicubic, ETA. */
class ProgressLine {
  private validation = '';
  private shown = false;

  constructor(readonly enabled: boolean) {}

  update(event: TrainEvent): void {
    if (!this.enabled) return;
    if (event.type === 'notice') this.print(`\r\x1b[K${event.message}\n`);
    if (event.type === 'loading') this.print(`\rloading ${event.what} images ${event.done}/${event.total}\x1b[K`);
    if (event.type === 'validation') {
      this.validation = `  val ${formatDb(event.psnr)} dB (bicubic ${formatDb(event.bicubic.psnr)})`;
    }
    if (event.type === 'step') {
      const secondsLeft = ((event.totalSteps - event.step) * event.batch) / event.samplesPerSecond;
      this.print(
        `\rstep ${event.step}/${event.totalSteps}  loss ${event.loss.toExponential(3)}  ${event.samplesPerSecond.toFixed(0)} samples/s${this.validation}  ETA ${duration(secondsLeft)}\x1b[K`,
      );
    }
  }

  private print(text: string): void {
    this.shown = true;
    process.stderr.write(text);
  }

  done(): void {
    if (this.enabled && this.shown) process.stderr.write('\n');
  }
}
