import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fromFsError, isSrError, SrError } from '../errors.ts';
import { dropAlpha } from '../imaging/alpha-channel.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { encodePhoto } from '../imaging/encode.ts';
import type { PhotoMetadata, RgbImage } from '../imaging/image.ts';
import { scoreImages } from '../metrics/score.ts';
import { listEvalImages } from './list-images.ts';
import { lowResolutionInput } from './low-resolution-input.ts';
import { assertEvalScale, type EvalDegradation, type EvalMethod, modcrop } from './protocol.ts';

export interface EvalImageResult {
  name: string;
  psnr: number;
  ssim: number;
  /** Time the method took to reconstruct this image (decoding and scoring excluded). */
  seconds: number;
}

export interface EvalResult {
  method: string;
  scale: number;
  data: string;
  /** The real-photo degradation the inputs were made with; null: the protocol's clean bicubic. */
  degradation: EvalDegradation | null;
  images: EvalImageResult[];
  mean: { psnr: number; ssim: number };
  /** Wall time of the whole evaluation. */
  seconds: number;
}

export interface EvalOptions {
  dataDir: string;
  scale: number;
  method: EvalMethod;
  /** Where to write each reconstruction as PNG (created if missing). */
  saveDir?: string;
  /** Degrade the inputs like real photos instead of the protocol's bicubic (`eval --degrade`). */
  degradation?: EvalDegradation | null;
  /** Where to write each low-resolution input as PNG (`eval --save-inputs`). */
  inputsDir?: string;
  onImage?: (result: EvalImageResult, done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Scores `method` on every image of a folder with the SR protocol. A protocol score must cover the whole set,
 * so a file that cannot be read or scored stops the run with an error naming it, rather than being skipped.
 */
export async function runEval(opts: EvalOptions): Promise<EvalResult> {
  const started = performance.now();
  const { scale, method, signal } = opts;
  assertEvalScale(scale);
  const dataDir = resolve(opts.dataDir);
  const files = await listEvalImages(dataDir);
  if (opts.saveDir) await ensureFolder(opts.saveDir);
  if (opts.inputsDir) await ensureFolder(opts.inputsDir);
  const degradation = opts.degradation ?? null;

  const images: EvalImageResult[] = [];
  for (const file of files) {
    throwIfCancelled(signal);
    const result = await evalImage(file, scale, method, opts.saveDir, degradation, opts.inputsDir);
    images.push(result);
    opts.onImage?.(result, images.length, files.length);
  }
  return {
    method: method.name,
    scale,
    data: dataDir,
    degradation,
    images,
    mean: meanScores(images),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The set's score: the mean PSNR and SSIM over its images (as the published tables report them). */
export function meanScores(images: readonly EvalImageResult[]): { psnr: number; ssim: number } {
  return {
    psnr: images.reduce((sum, r) => sum + r.psnr, 0) / images.length,
    ssim: images.reduce((sum, r) => sum + r.ssim, 0) / images.length,
  };
}

/** Scores one image (decode, modcrop, degrade, reconstruct, score, optionally save); queue workers call it per image. */
export async function evalImage(
  file: string,
  scale: number,
  method: EvalMethod,
  saveDir: string | undefined,
  degradation: EvalDegradation | null = null,
  inputsDir?: string,
): Promise<EvalImageResult> {
  const name = basename(file);
  try {
    const { image, metadata } = await decodePhoto(file);
    const hr = modcrop(dropAlpha(image), scale);
    const lr = await lowResolutionInput(hr, scale, name, degradation);
    if (inputsDir) await encodePhoto(lr, { format: 'png' }, join(inputsDir, inputFileName(name, scale, degradation)), { format: 'png' });
    const t0 = performance.now();
    const sr = await method.reconstruct(lr, scale, hr.width, hr.height);
    const seconds = (performance.now() - t0) / 1000;
    const score = scoreImages(sr, hr, scale);
    if (saveDir) await saveReconstruction(sr, metadata, saveDir, name, scale, method.name);
    return { name, psnr: score.psnr, ssim: score.ssim, seconds };
  } catch (error) {
    throw stoppedAt(file, error);
  }
}

/** Re-labels a failure so the user sees which file stopped the evaluation. */
function stoppedAt(file: string, error: unknown): SrError {
  if (isSrError(error) && error.code === 'CANCELLED') return error;
  const hint = 'Fix or remove that file: a protocol score must cover every image of the set.';
  if (isSrError(error)) {
    const message = error.message.includes(file) ? error.message : `${file}: ${error.message}`;
    return new SrError(error.code, `Evaluation stopped: ${message}`, error.hint ?? hint, error.path ?? file, { cause: error });
  }
  return new SrError('INTERNAL', `Evaluation stopped at ${file}: ${(error as Error)?.message ?? String(error)}`, hint, file, {
    cause: error,
  });
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SrError('CANCELLED', 'Evaluation cancelled');
}

export async function ensureFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw fromFsError(error, dir, 'write');
  }
}

/** `<image>_x<scale>_<degradation>-seed<N>_input.png`: a degraded input under the name of what made it. */
export function inputFileName(imageName: string, scale: number, degradation: EvalDegradation | null): string {
  const stem = basename(imageName, extname(imageName));
  const made = degradation ? `${degradation.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-seed${degradation.seed}` : 'bicubic';
  return `${stem}_x${scale}_${made}_input.png`;
}

/** `<image>_x<scale>_<method>.png`; a model path becomes its file name so the output name stays a plain name. */
export function reconstructionFileName(imageName: string, scale: number, methodName: string): string {
  const stem = basename(imageName, extname(imageName));
  const method = basename(methodName, extname(methodName)).replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${stem}_x${scale}_${method}.png`;
}

async function saveReconstruction(sr: RgbImage, metadata: PhotoMetadata, dir: string, name: string, scale: number, method: string) {
  await encodePhoto(sr, metadata, join(dir, reconstructionFileName(name, scale, method)), { format: 'png' });
}
