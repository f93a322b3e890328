import { resolveDegradation, seededDegradation } from '../../engine/degrade/index.ts';
import { isSrError, SrError } from '../../engine/errors.ts';
import { EVAL_SCALES, type EvalDegradation, type EvalMethod, interpolationMethod, isEvalScale } from '../../engine/eval/protocol.ts';
import { type EvalImageResult, type EvalResult, runEval } from '../../engine/eval/run-eval.ts';
import { isResizeKernel } from '../../engine/imaging/resize-kernels.ts';
import type { Device } from '../../engine/models/execution-providers.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { shouldPrintNotice } from '../notices.ts';
import { formatDb, printJson } from '../output.ts';
import { parseStrength } from '../parse-number.ts';
import { checkDevice, type EvalCliOptions, unknownMethod } from './eval-options.ts';

/** `srstudio eval`: scores one method on a folder; loaded only when the command runs. */
export async function evalAction(opts: EvalCliOptions): Promise<void> {
  const scale = parseScale(opts.scale);
  const table = !opts.json;
  // The header waits for the first row, so that a failure before any image prints nothing on stdout.
  const onImage = (r: EvalImageResult, done: number) => {
    if (done === 1) printHeader();
    printRow(r);
  };
  if (opts.queue !== undefined && opts.saveInputs !== undefined) {
    throw new SrError('BAD_ARGUMENT', '--save-inputs works without --queue only', 'Run the evaluation locally to save its inputs.');
  }
  if (opts.queue !== undefined && opts.strength !== undefined) {
    throw new SrError('BAD_ARGUMENT', '--strength works without --queue only', 'Run the evaluation locally to score a strength.');
  }
  const degradation = await evalDegradation(opts);
  const result =
    opts.queue === undefined
      ? await runEval({
          dataDir: opts.data,
          scale,
          method: await resolveEvalMethod(opts.method, scale, opts),
          saveDir: opts.save,
          degradation,
          inputsDir: opts.saveInputs,
          onImage: table ? onImage : undefined,
        })
      : await (await import('./eval-queued.ts')).runEvalOnQueue(opts, scale, degradation, table ? onImage : undefined);
  if (table) printFooter(result);
  else printJson(toJson(result));
}

/** `--degrade` and `--seed`: null for the protocol's clean bicubic (also what `--degrade clean` means). */
async function evalDegradation(opts: EvalCliOptions): Promise<EvalDegradation | null> {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new SrError('BAD_ARGUMENT', `--seed must be a whole number ≥ 0, not "${opts.seed}"`, 'Pass --seed 1, for example.');
  if (opts.degrade === undefined) return null;
  return seededDegradation(await resolveDegradation(opts.degrade), seed);
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (!isEvalScale(scale)) {
    throw new SrError('BAD_ARGUMENT', `Unsupported scale "${text}"`, `Use --scale ${EVAL_SCALES.join('|')}.`);
  }
  return scale;
}

/** Interpolation kernels are built in; anything else is a model. */
async function resolveEvalMethod(name: string, scale: number, opts: EvalCliOptions): Promise<EvalMethod> {
  if (isResizeKernel(name)) return interpolationMethod(name);
  return resolveModelMethod(name, scale, opts);
}

/** A model id or .onnx path, run through the same photo pipeline as `upscale`. */
async function resolveModelMethod(name: string, scale: number, opts: EvalCliOptions): Promise<EvalMethod> {
  checkDevice(opts.device);
  // onnxruntime loads only for model methods: scoring bicubic & co. never pays for it.
  const { resolveModelEvalMethod } = await import('../../engine/models/eval-method.ts');
  try {
    return await resolveModelEvalMethod(name, scale, {
      stateDir: opts.state === undefined ? undefined : resolveStateDir(opts.state),
      device: opts.device as Device | undefined,
      strength: opts.strength === undefined ? undefined : parseStrength(opts.strength),
      onNotice: (message) => {
        if (shouldPrintNotice(message)) process.stderr.write(`srstudio: ${message}\n`);
      },
    });
  } catch (error) {
    if (isSrError(error) && error.code === 'UNKNOWN_MODEL') throw unknownMethod(name, error);
    throw error;
  }
}

const NAME_WIDTH = 24;

function printHeader(): void {
  process.stdout.write(`${'image'.padEnd(NAME_WIDTH)} ${'PSNR (dB)'.padStart(9)} ${'SSIM'.padStart(7)} ${'time (s)'.padStart(9)}\n`);
}

function printRow(r: EvalImageResult): void {
  process.stdout.write(
    `${r.name.padEnd(NAME_WIDTH)} ${formatDb(r.psnr).padStart(9)} ${r.ssim.toFixed(4).padStart(7)} ${r.seconds.toFixed(3).padStart(9)}\n`,
  );
}

function printFooter(result: EvalResult): void {
  process.stdout.write(
    `${'mean'.padEnd(NAME_WIDTH)} ${formatDb(result.mean.psnr).padStart(9)} ${result.mean.ssim.toFixed(4).padStart(7)}\n`,
  );
  process.stdout.write(
    `${result.images.length} images, method ${result.method}, ×${result.scale}, ${inputsMadeBy(result)}, Y channel, shave ${result.scale}; ${result.seconds.toFixed(2)} s\n`,
  );
}

function inputsMadeBy(result: EvalResult): string {
  const d = result.degradation;
  return d ? `inputs degraded by '${d.name}' (seed ${d.seed})` : 'inputs by MATLAB bicubic';
}

/** The documented JSON shape (per-image timings are left out: they are not part of a score). */
function toJson(result: EvalResult) {
  return {
    method: result.method,
    scale: result.scale,
    data: result.data,
    degradation: result.degradation,
    images: result.images.map(({ name, psnr, ssim }) => ({ name, psnr, ssim })),
    mean: result.mean,
    seconds: result.seconds,
  };
}
