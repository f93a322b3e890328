import { probePhoto } from '../../imaging/probe.ts';
import { BatchFile, type FileResult, type FileWork, STAGES, type Stage } from '../batch-file.ts';
import { estimateOutputSize, sizingOf } from '../upscale-request.ts';
import type { PipelineSettings } from './pipeline-settings.ts';
import { Slots } from './slots.ts';

/** Stages that run to the end once the file has reached them: cancelling there would only throw finished work away. */
const UNCANCELLABLE: ReadonlySet<Stage> = new Set(['encode', 'write']);

/** How one file ended: its output size and busy seconds, or why it failed. */
export type FileOutcome = FileResult | { error: unknown };

export interface PipelineHooks {
  /** The file got its share of the budget and starts decoding now. */
  onAdmitted?: () => void;
  /**
   * The file's outcome, before its budget goes to the next file: a journal written here says 'done' before the next
   * file says 'running'. A throw here (the journal failed) becomes the run's rejection.
   */
  onSettled?: (outcome: FileOutcome) => void;
}

/** Busy seconds of one stage of one file (waits excluded), for the bench's per-stage table. */
export type StageListener = (stage: Stage, seconds: number) => void;

/**
 * Runs files through their stages (batch-file.ts) with different files in different stages at once: while the model
 * runs on one photo, the next is decoded and colour-converted and the previous one encoded and written. Each stage
 * has a few places (settings): a file keeps its place in a stage until the next stage takes it, so a slow encoder or
 * disk holds up inference, which holds up decoding, instead of decoded photos piling up in memory (back-pressure).
 * Above that, the pixels of all files between admission and the end of their write (input + output, estimated from the
 * header) stay within a budget; a file larger than the whole budget runs alone.
 *
 * Files may finish in any order; each call resolves or rejects with its own file's result only, so one bad file
 * never stops the others. The local batch runner and a queue worker (several files at once) share this class.
 */
export class PhotoPipeline {
  private readonly budget: Slots;
  private readonly places: Record<Stage, Slots>;
  /** Files being decoded or encoded right now (not waiting for the next stage): ORT runs narrow meanwhile. */
  private sharpAtWork = 0;
  /** Header probes, one after another, so files ask for their budget (and are admitted) in the order they came. */
  private probes: Promise<number> = Promise.resolve(0);

  constructor(
    readonly settings: PipelineSettings,
    private readonly onStage?: StageListener,
  ) {
    this.budget = new Slots(settings.budgetMegapixels);
    this.places = {
      decode: new Slots(settings.decoders),
      prepare: new Slots(1),
      // One photo at a time in the model: ORT already has the cores it was given.
      infer: new Slots(1),
      encode: new Slots(settings.encoders),
      write: new Slots(settings.writers),
    };
  }

  /** Upscales one file (decode to write) and returns its output size and busy seconds. */
  async run(work: FileWork, hooks: PipelineHooks = {}): Promise<FileResult> {
    const probed = this.probes.then(() => this.costOf(work));
    this.probes = probed;
    const cost = await probed;
    await this.budget.acquire(cost, work.signal);
    try {
      hooks.onAdmitted?.();
      const outcome: FileOutcome = await this.stages(work).catch((error: unknown) => ({ error }));
      hooks.onSettled?.(outcome);
      if ('error' in outcome) throw outcome.error;
      return outcome;
    } finally {
      this.budget.release(cost);
    }
  }

  private async stages(work: FileWork): Promise<FileResult> {
    const { ortThreads, narrowThreads } = this.settings;
    const file = new BatchFile({ ...work, threads: ortThreads, narrowThreads, narrow: () => this.sharpAtWork > 0 });
    let held: Slots | undefined;
    try {
      for (const stage of STAGES) {
        const place = this.places[stage];
        await place.acquire(1, UNCANCELLABLE.has(stage) ? undefined : work.signal);
        held?.release();
        held = place;
        const sharp = stage === 'decode' || stage === 'encode';
        if (sharp) this.sharpAtWork++;
        let seconds: number;
        try {
          seconds = await file.run(stage);
        } finally {
          if (sharp) this.sharpAtWork--;
        }
        this.onStage?.(stage, seconds);
      }
    } finally {
      held?.release();
    }
    return file.result();
  }

  /**
   * Input plus output megapixels, from the header. A file whose header cannot be read costs nothing: its decode
   * fails at once, with the reason.
   */
  private async costOf(work: FileWork): Promise<number> {
    try {
      const info = await probePhoto(work.input, { maxPixels: work.request.maxPixels });
      const out = estimateOutputSize(info.width, info.height, sizingOf(work.request, work.model.meta.scale));
      return (info.width * info.height + out.width * out.height) / 1e6;
    } catch {
      return 0;
    }
  }
}
