import { isSrError } from '../errors.ts';
import { BatchFile, type FileResult, type FileWork, STAGES, type Stage } from './batch-file.ts';
import type { ItemError } from './job-events.ts';

export type UpscaleFileOptions = Omit<FileWork, 'input' | 'output'> & {
  /** Busy seconds of each stage, for bench:batch. */
  onStage?: (stage: Stage, seconds: number) => void;
};

/**
 * One file of a batch, its stages back to back (batch-file.ts): decode → upscale → encode to a temp file beside
 * `output`, then rename. `--pipeline off` runs a batch this way, one file after another; the pipeline runs the same
 * stages, so a file upscaled either way, on any machine, has the same bytes. A kill at any moment leaves either no
 * output or the complete one (and perhaps a hidden `*.srs-tmp` file, never a torn output).
 */
export async function upscaleFile(input: string, output: string, options: UpscaleFileOptions): Promise<FileResult> {
  const file = new BatchFile({ ...options, input, output });
  for (const stage of STAGES) {
    const seconds = await file.run(stage);
    options.onStage?.(stage, seconds);
  }
  return file.result();
}

/** A file's failure as the journal and the events carry it: the SrError's parts, or INTERNAL for a surprise. */
export function toItemError(error: unknown): ItemError {
  if (isSrError(error))
    return error.hint ? { code: error.code, message: error.message, hint: error.hint } : { code: error.code, message: error.message };
  // Not an SrError: still one file's problem (an ORT or sharp surprise), never the batch's.
  return { code: 'INTERNAL', message: `Unexpected error: ${(error as Error)?.message ?? String(error)}` };
}
