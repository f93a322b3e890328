import fs from 'node:fs';
import path from 'node:path';
import { fromFsError, isSrError } from '../errors.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { encodePhoto } from '../imaging/encode.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { upscaleForBatch } from './batch-model.ts';
import type { ItemError } from './job-events.ts';
import { keptFormat } from './output-naming.ts';
import type { UpscaleSettings } from './upscale-request.ts';

export interface UpscaleFileOptions {
  model: LoadedModel;
  /** The batch's settings (sizing, tile, device, quality, pixel limit): a whole request, or what a queue job carries. */
  request: UpscaleSettings;
  signal?: AbortSignal;
  onFraction?: (fraction: number) => void;
  onNotice?: (message: string) => void;
}

/**
 * One file of a batch: decode → upscale → encode to a temp file beside `output`, then rename. The local runner and
 * the queue worker both call this, so a file upscaled on any machine has the same bytes. A kill at any moment
 * leaves either no output or the complete one (and perhaps a hidden `*.srs-tmp` file, never a torn output).
 */
export async function upscaleFile(input: string, output: string, options: UpscaleFileOptions): Promise<{ width: number; height: number }> {
  const { request } = options;
  const photo = await decodePhoto(input, { maxPixels: request.maxPixels });
  const image = await upscaleForBatch(photo, {
    model: options.model,
    scale: request.scale,
    width: request.width,
    height: request.height,
    device: request.device,
    tile: request.tile,
    signal: options.signal,
    onFraction: options.onFraction,
    onNotice: options.onNotice,
  });
  try {
    fs.mkdirSync(path.dirname(output), { recursive: true });
  } catch (error) {
    throw fromFsError(error, path.dirname(output), 'write');
  }
  // Not cancellable on purpose: it is short, and it writes through a temp file + rename, so a kill leaves no torn output.
  await encodePhoto(image, photo.metadata, output, { format: keptFormat(output), quality: request.quality });
  return { width: image.width, height: image.height };
}

/** A file's failure as the journal and the events carry it: the SrError's parts, or INTERNAL for a surprise. */
export function toItemError(error: unknown): ItemError {
  if (isSrError(error))
    return error.hint ? { code: error.code, message: error.message, hint: error.hint } : { code: error.code, message: error.message };
  // Not an SrError: still one file's problem (an ORT or sharp surprise), never the batch's.
  return { code: 'INTERNAL', message: `Unexpected error: ${(error as Error)?.message ?? String(error)}` };
}
