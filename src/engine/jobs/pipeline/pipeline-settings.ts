import { SrError } from '../../errors.ts';
import { computeThreads, physicalCoreCount } from '../../models/cpu-cores.ts';

/** How a batch's pipeline shares the machine (photo-pipeline.ts). */
export interface PipelineSettings {
  /** ONNX Runtime's intra-op threads for the model. */
  ortThreads: number;
  /**
   * ORT's threads for the batches of tiles it runs while another file is being decoded or encoded (a second session of
   * the same model in the inference worker): the cores sharp takes are not also asked of ORT. Equal to `ortThreads`:
   * no second session.
   */
  narrowThreads: number;
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
 * Encoding is the longest stage after the model (PNG's deflate is one thread per file): one encoder per 4 cores, and
 * at least two, so that the model can hand a photo over while the previous one is still encoding instead of holding
 * its place. Measured on 2 cores (docs/batch-throughput.md, the PNG folder at int8): two encoders 3.09 and 3.16 s
 * against one encoder's 3.26 and 3.36 s, in two back-to-back pairs.
 */
function encodersFor(cores: number): number {
  return Math.max(2, Math.floor(cores / 4));
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
 * Settings for a split, or the automatic one, chosen with bench:batch on 2 cores (docs/batch-throughput.md). Automatic: ORT
 * has every core (or `SRSTUDIO_THREADS`) while the model runs alone, as one file at a time gives it, and one core
 * fewer per sharp thread at work while another file is decoded or encoded beside it; sharp keeps one thread per
 * operation. Neither fixed split did both: 2:1 lost to 1:1 wherever decoding and encoding overlapped the model (an ORT
 * thread preempted by an encode stalls its siblings at every barrier of the parallel loop: 9.5 s against 7.4 s on the
 * PNG folder at a load of 9–16, on 7.6 CPU-seconds against 5.8), and 1:1 lost to 2:1 wherever the model ran alone
 * (camera photos, where the model is nine tenths of the work). A fixed `--threads N:M` keeps N threads throughout.
 * Machines with more cores encode more files at once, one per 4 cores (measured on 2 cores only; reasoned beyond).
 */
export function pipelineSettings(
  split: ThreadSplit | 'auto' = 'auto',
  cores = physicalCoreCount(),
  env: NodeJS.ProcessEnv = process.env,
): PipelineSettings {
  const encoders = encodersFor(cores);
  const ortThreads = split === 'auto' ? computeThreads(env, cores) : split.ort;
  const sharpThreads = split === 'auto' ? 1 : split.sharp;
  return {
    ortThreads,
    narrowThreads: split === 'auto' ? Math.max(1, ortThreads - encoders * sharpThreads) : ortThreads,
    sharpThreads,
    decoders: 1,
    encoders,
    writers: 2,
    budgetMegapixels: DEFAULT_BUDGET_MEGAPIXELS,
  };
}
