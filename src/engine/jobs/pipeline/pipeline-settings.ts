import os from 'node:os';
import sharp from 'sharp';
import { SrError } from '../../errors.ts';
import { computeThreads, physicalCoreCount } from '../../models/cpu-cores.ts';

/** How a batch's pipeline shares the machine (photo-pipeline.ts). */
export interface PipelineSettings {
  /** ONNX Runtime's intra-op threads for the model. */
  ortThreads: number;
  /** libvips threads per sharp operation (decode, resize, encode). */
  sharpThreads: number;
  /** Files decoded, encoded and written at once. */
  decoders: number;
  encoders: number;
  writers: number;
  /** Megapixels (input + output) of the files in flight; a file larger than this runs alone. */
  budgetMegapixels: number;
}

/**
 * 128 MP of input + output in flight: two 12 MP photos at ×2 (60 MP each), so one is decoded or encoded while the
 * other is in the model; a 24 MP photo at ×2 (120 MP) runs alone, as it did before the pipeline (bench:batch measures
 * the RSS of both).
 */
export const DEFAULT_BUDGET_MEGAPIXELS = 128;

/** `--threads`: `auto`, or `ORT:SHARP` (e.g. `2:1`), or `ORT` alone (sharp keeps one thread). */
export interface ThreadSplit {
  ort: number;
  sharp: number;
}

/**
 * The automatic split, chosen with bench:batch (24 BSD200 photos ×3, fsrcnn-x3 int8, pipelined, 2 cores shared with two
 * training runs; docs/benchmarks.md). ORT keeps every core, as a sequential batch gives it, and decoding and encoding
 * fill the moments it leaves one idle: at a load average of 4, 2:1 took 5.2 s where 1:1 took 6.0 s (the model is the
 * longest stage, and one thread makes it longer still). Only on a heavily loaded machine (a load average of 3× the cores
 * or more) does ORT get just the cores the encoders leave, so the two never oversubscribe: at a load of 9–16, 1:1 took
 * 7.4 s on 5.8 CPU-seconds where 2:1 took 9.5 s on 7.6 (an ORT thread preempted by an encode, or by another process,
 * stalls its siblings at every barrier of the parallel loop). `SRSTUDIO_THREADS` still sets ORT's share.
 */
export function autoThreadSplit(env: NodeJS.ProcessEnv = process.env, cores = physicalCoreCount(), load = os.loadavg()[0]): ThreadSplit {
  if (env.SRSTUDIO_THREADS !== undefined && env.SRSTUDIO_THREADS.trim() !== '') return { ort: computeThreads(env, cores), sharp: 1 };
  const crowded = load >= 3 * cores;
  return { ort: crowded ? Math.max(1, cores - encodersFor(cores)) : cores, sharp: 1 };
}

/** Encoding is the longest stage after the model (PNG's deflate is one thread per file): one encoder per 4 cores. */
function encodersFor(cores: number): number {
  return Math.max(1, Math.floor(cores / 4));
}

export function parseThreadSplit(text: string, flag = '--threads'): ThreadSplit | 'auto' {
  const trimmed = text.trim();
  if (trimmed === 'auto') return 'auto';
  const match = /^(\d+)(?::(\d+))?$/.exec(trimmed);
  const ort = match ? Number(match[1]) : Number.NaN;
  const sharpThreads = match?.[2] !== undefined ? Number(match[2]) : 1;
  if (!match || ort < 1 || sharpThreads < 1 || ort > 256 || sharpThreads > 256) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${flag} takes auto, or ONNX Runtime threads and sharp threads as N:M (e.g. 2:1), got "${text}"`,
      `Pass e.g. ${flag} 2:1, or leave it out for the automatic split.`,
    );
  }
  return { ort, sharp: sharpThreads };
}

/**
 * Settings for a split (or the automatic one). Machines with more cores encode more files at once, one per 4 cores
 * (measured on 2 cores only; the rule for larger machines is reasoned, not measured).
 */
export function pipelineSettings(split: ThreadSplit | 'auto' = 'auto', cores = physicalCoreCount()): PipelineSettings {
  const threads = split === 'auto' ? autoThreadSplit(process.env, cores) : split;
  return {
    ortThreads: threads.ort,
    sharpThreads: threads.sharp,
    decoders: 1,
    encoders: encodersFor(cores),
    writers: 2,
    budgetMegapixels: DEFAULT_BUDGET_MEGAPIXELS,
  };
}

/** sharp's thread count is process-wide: the pipeline sets it for the batch it runs. */
export function applySharpThreads(settings: PipelineSettings): void {
  sharp.concurrency(settings.sharpThreads);
}
