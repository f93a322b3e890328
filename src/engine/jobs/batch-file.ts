import fs from 'node:fs/promises';
import path from 'node:path';
import { fromFsError, isSrError } from '../errors.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { encodePhotoBytes, holdsSixteenBits } from '../imaging/encode.ts';
import { assertFitsFormat } from '../imaging/format-limits.ts';
import type { DecodedPhoto, PhotoMetadata, RgbImage, Samples } from '../imaging/image.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import { type ScalePlan, targetSize } from '../upscale/scale-plan.ts';
import { assembleUpscale, inferUpscale, type PreparedUpscale, prepareUpscale, type UpscaleOptions } from '../upscale/upscale-photo.ts';
import { decodeNotices } from './decode-notices.ts';
import { keptFormat } from './output-naming.ts';
import { isOwnOutput } from './own-output.ts';
import { outputAppearedError } from './plan-outputs.ts';
import type { UpscaleSettings } from './upscale-request.ts';

/** The stages of one file, in order. A batch's pipeline runs each file through them, different files in different stages. */
export const STAGES = ['decode', 'prepare', 'infer', 'encode', 'write'] as const;
export type Stage = (typeof STAGES)[number];

export interface FileWork {
  input: string;
  output: string;
  /**
   * Whether the write may replace a file already at `output` (the overwrite policy). Otherwise the output appears only
   * where nothing is, checked at the very moment it is committed, and a file found there is kept: OUTPUT_EXISTS.
   */
  replace: boolean;
  /**
   * Without `replace`: an earlier run of this very file may have committed its output and been killed before anyone
   * recorded it (a kill -9 between the commit and the journal, or a queue worker dying before its report), so a file
   * found at `output` with exactly the bytes this run produced is taken as that output and the file is done, not
   * OUTPUT_EXISTS. Set on a resume and for queued files; a fresh local batch cannot have written the file before.
   */
  mayFindOwnOutput?: boolean;
  model: LoadedModel;
  /** The batch's settings (sizing, tile, device, quality, pixel limit): a whole request, or what a queue job carries. */
  request: UpscaleSettings;
  /** ONNX Runtime's intra-op threads; absent: all cores (cpu-cores.ts). */
  threads?: number;
  /** The pipeline's: ORT's threads while it decodes or encodes beside the model, and whether it does now. */
  narrowThreads?: number;
  narrow?: () => boolean;
  signal?: AbortSignal;
  onFraction?: (fraction: number) => void;
  onNotice?: (message: string) => void;
  /**
   * The model's opening and its warm-up (run-upscale-job.ts): the prepare stage waits for the first (it prepares the
   * photo for the session that opened), the infer stage for the second (its tiles would queue behind the warm-up's).
   * Both waits are start-up, not part of the file's own seconds.
   */
  modelOpen?: Promise<unknown>;
  modelReady?: Promise<unknown>;
}

/** What one upscaled file reports: its output size and its own busy seconds (stages only, no waits between them). */
export interface FileResult {
  width: number;
  height: number;
  seconds: number;
}

/**
 * One file of a batch, stage by stage:
 * 1. decode: read the file and decode it (sharp: orientation applied, metadata kept);
 * 2. prepare: plan the size, open the model (cached), convert the colours for the first pass;
 * 3. infer: the model, tile by tile, in the session's worker thread;
 * 4. encode: the exact target size and alpha (assemble), then the output format's bytes, metadata included;
 * 5. write: a temp file beside the output, fsync, rename (or, unless `replace`, a commit that never replaces a file).
 * Each stage keeps only what the next one needs, so a file waiting between two stages holds no more memory than it
 * must. The sequential path (`upscaleFile`) and the pipeline run the very same stages, so their bytes are the same.
 */
export class BatchFile {
  private photo: DecodedPhoto<Samples> | undefined;
  private prepared: PreparedUpscale<Samples> | undefined;
  private assembly: { plan: ScalePlan; source: RgbImage<Samples>; metadata: PhotoMetadata; modelOutput: RgbImage<Samples> } | undefined;
  private bytes: Uint8Array | undefined;
  /** The output's size, known once it is encoded. */
  private size: { width: number; height: number } | undefined;
  private busy = 0;

  constructor(readonly work: FileWork) {}

  /** Runs one stage; returns its busy seconds (a wait for the model's warm-up excluded). */
  async run(stage: Stage): Promise<number> {
    if (stage === 'prepare') await this.work.modelOpen?.catch(() => undefined);
    if (stage === 'infer') await this.work.modelReady?.catch(() => undefined);
    const started = performance.now();
    await this.stage(stage);
    const seconds = (performance.now() - started) / 1000;
    this.busy += seconds;
    return seconds;
  }

  /** Once written: the output size and the file's busy seconds. */
  result(): FileResult {
    return { ...required(this.size, 'write'), seconds: this.busy };
  }

  private stage(stage: Stage): Promise<void> {
    switch (stage) {
      case 'decode':
        return this.decode();
      case 'prepare':
        return this.prepare();
      case 'infer':
        return this.infer();
      case 'encode':
        return this.encode();
      case 'write':
        return this.write();
    }
  }

  private async decode(): Promise<void> {
    const { input, output, request, model } = this.work;
    const format = keptFormat(output);
    // A 16-bit PNG or TIFF stays 16-bit where its output can hold it.
    const photo = await decodePhoto(input, { maxPixels: request.maxPixels, keepDepth: holdsSixteenBits(format) });
    // The output size is known now (the plan in prepare computes the same): a size its format cannot hold fails here,
    // before the model runs, not after the whole upscale when the encoder refuses it.
    const size = targetSize(photo.image.width, photo.image.height, request, model.meta.scale);
    assertFitsFormat(size.width, size.height, format, input);
    for (const notice of decodeNotices(input, photo, format)) this.work.onNotice?.(notice);
    this.photo = photo;
  }

  private async prepare(): Promise<void> {
    this.prepared = await prepareUpscale(required(this.photo, 'prepare'), this.upscaleOptions());
  }

  private async infer(): Promise<void> {
    const prepared = required(this.prepared, 'infer');
    const modelOutput = await inferUpscale(prepared, this.upscaleOptions());
    const { plan, source } = prepared;
    this.assembly = { plan, source, metadata: required(this.photo, 'infer').metadata, modelOutput };
    // The colour planes and the decoded photo's buffers go now; what encode needs is in `assembly`.
    this.prepared = undefined;
    this.photo = undefined;
  }

  private async encode(): Promise<void> {
    const { plan, source, metadata, modelOutput } = required(this.assembly, 'encode');
    this.assembly = undefined;
    const image = await assembleUpscale({ plan, source }, modelOutput);
    const { request, output } = this.work;
    this.bytes = await encodePhotoBytes(image, metadata, output, {
      format: keptFormat(output),
      quality: request.quality,
      pngCompression: request.pngCompression,
    });
    this.size = { width: image.width, height: image.height };
  }

  // Not cancellable on purpose: it is short, and it writes through a temp file + rename, so a kill leaves no torn output.
  // Without `replace`, a file that appeared at the output after planning (another batch into the same folder, a file
  // dropped in before a resume) is kept and this file fails with OUTPUT_EXISTS; the batch decides what that means.
  // Unless it is this file's own output, byte for byte, left by an earlier run killed before it was recorded
  // (`mayFindOwnOutput`): then the file is done, and this run's temp file is already gone (writeFileAtomic removes it).
  private async write(): Promise<void> {
    const bytes = required(this.bytes, 'write');
    const folder = path.dirname(this.work.output);
    try {
      await fs.mkdir(folder, { recursive: true });
    } catch (error) {
      throw fromFsError(error, folder, 'write');
    }
    try {
      await writeFileAtomic(this.work.output, bytes, { replace: this.work.replace });
    } catch (error) {
      if (!isSrError(error) || error.code !== 'OUTPUT_EXISTS') throw error;
      if (!(this.work.mayFindOwnOutput && (await isOwnOutput(this.work.output, bytes)))) throw outputAppearedError(this.work.output);
    }
    this.bytes = undefined;
  }

  private upscaleOptions(): UpscaleOptions {
    const { model, request, threads, narrowThreads, narrow, signal, onFraction, onNotice } = this.work;
    return {
      model,
      scale: request.scale,
      width: request.width,
      height: request.height,
      device: request.device,
      tile: request.tile,
      threads,
      narrowThreads,
      narrow,
      signal,
      // Progress with total 0 is a notice (the GPU fell back to the CPU, a smaller-tile retry), not a fraction.
      onProgress:
        onFraction || onNotice
          ? (p) => {
              if (p.total > 0) onFraction?.(p.done / p.total);
              else if (p.note) onNotice?.(p.note);
            }
          : undefined,
    };
  }
}

function required<T>(value: T | undefined, stage: Stage): T {
  if (value === undefined) throw new Error(`BatchFile: the ${stage} stage ran before the stage it needs`);
  return value;
}
