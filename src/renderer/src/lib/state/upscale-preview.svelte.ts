import type { ImageRef, SrsClient } from '../../../../shared/contract/index.ts';
import { toUiError, type UiError } from '../ui-error.ts';

/** Source pixels of the previewed crop: at ×2–×4 a 160×120 crop renders in a fraction of a second on a CPU. */
const CROP = { width: 160, height: 120 };
/** Dragging the strength slider settles before the engine is asked: one render per pause, not one per pixel. */
const SETTLE_MS = 200;

export interface PreviewImages {
  /** The crop enlarged by bicubic: what the photo looks like without a model. */
  before: string;
  after: string;
  width: number;
  height: number;
  /** What `after` was rendered with, so a test or a reader can tell renders apart. */
  model: string;
  strength: number | undefined;
}

/**
 * The Upscale screen's live preview: the centre of the first photo of the batch, enlarged by bicubic and by the chosen
 * model (at the chosen restoration strength, which the engine blends: models/strength.ts), rendered by the same tile
 * service as Compare. A newer request cancels the one still running.
 */
export class UpscalePreview {
  photo = $state.raw<ImageRef | null>(null);
  images = $state.raw<PreviewImages | null>(null);
  busy = $state(false);
  error = $state<UiError | null>(null);
  private photoKey = '';
  private inFlight: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: SrsClient,
    signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => {
      clearTimeout(this.timer);
      this.inFlight?.abort();
    });
  }

  /** Finds the photo to preview on when the batch's inputs change (folders are looked into by the engine). */
  async findPhoto(inputs: readonly string[]): Promise<void> {
    const key = inputs.join('\n');
    if (key === this.photoKey) return;
    this.photoKey = key;
    if (inputs.length === 0) {
      this.photo = null;
      this.images = null;
      return;
    }
    try {
      const { photo } = await this.client.preview.samplePhoto({ inputs: [...inputs] });
      if (this.photoKey === key) this.photo = photo;
    } catch (error) {
      if (this.photoKey === key) this.error = toUiError(error);
    }
  }

  /** Renders after the inputs settle; `strength` only for a model it applies to. */
  schedule(model: string, scale: number, strength: number | undefined): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(model, scale, strength), SETTLE_MS);
  }

  private async render(model: string, scale: number, strength: number | undefined): Promise<void> {
    const photo = this.photo;
    // The contract's smallest region is 8×8: a smaller photo has nothing worth previewing.
    if (!photo || !model || photo.width < 8 || photo.height < 8) return;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    this.busy = true;
    this.error = null;
    const width = Math.min(CROP.width, photo.width);
    const height = Math.min(CROP.height, photo.height);
    try {
      const { tiles } = await this.client.preview.tiles(
        {
          image: photo.path,
          region: { x: Math.floor((photo.width - width) / 2), y: Math.floor((photo.height - height) / 2), width, height },
          scale,
          methods: [{ interpolation: 'bicubic' }, strength === undefined ? { model } : { model, strength }],
        },
        { signal: controller.signal },
      );
      if (controller.signal.aborted) return;
      const [before, after] = tiles;
      this.images = {
        before: this.client.imageUrl(before.image.path),
        after: this.client.imageUrl(after.image.path),
        width: after.image.width,
        height: after.image.height,
        model,
        strength,
      };
    } catch (error) {
      if (!controller.signal.aborted) this.error = toUiError(error, 'The batch itself may still run: the preview only shows one crop.');
    } finally {
      if (this.inFlight === controller) {
        this.busy = false;
        this.inFlight = undefined;
      }
    }
  }
}
