import type { ModelSummary, ParamsOf, ResultOf, SrsClient } from '../../../../shared/contract/index.ts';
import { PHOTO_EXTENSIONS } from '../../../../shared/photo-extensions.ts';
import { modelChoices } from '../model-choice.ts';
import { DisplayImages } from './display-images.svelte.ts';
import { type UiError, uiError } from './user-actions.svelte.ts';

type Interp = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3';
export type PaneMethod = { interpolation: Interp } | { model: string };

export interface Pane {
  key: string;
  label: string;
  method: PaneMethod;
  url: string;
  width: number;
  height: number;
  seconds: number;
  psnr: number | null;
  ssim: number | null;
  best: boolean;
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const INTERPOLATIONS: { method: Interp; label: string }[] = [
  { method: 'nearest', label: 'Nearest' },
  { method: 'bilinear', label: 'Bilinear' },
  { method: 'bicubic', label: 'Bicubic' },
  { method: 'lanczos3', label: 'Lanczos' },
];

export const ZOOM_STEPS = [1, 2, 3, 4, 6, 8] as const;
/**
 * Region side in photo pixels: small enough that every method renders in well under a second on a CPU. Evaluate mode
 * degrades the photo first, so it takes a larger box of the photo to keep enough low-resolution pixels to score.
 */
export const REGION_SIZE = 96;
export const EVALUATE_REGION_SIZE = 192;

function methodKey(method: PaneMethod): string {
  return 'model' in method ? `model:${method.model}` : `interp:${method.interpolation}`;
}

/**
 * The model the Compare screen shows by default for a scale: the one a batch of that scale runs (the photo model where
 * one is installed), else the first the picker offers for it.
 */
export function defaultModelFor(models: readonly ModelSummary[], scale: number): ModelSummary | undefined {
  return modelChoices(models, { withInt8: true }).find((group) => group.scale === scale)?.models[0];
}

/**
 * The Compare screen: one photo, one region picked on an overview, rendered tile-only by every method. Zoom and pan
 * are shared by all panes so the same pixels line up; zoom is an integer so each source pixel stays a crisp square.
 */
export class CompareState {
  imagePath = $state<string | null>(null);
  /** Natural size of the photo (known once the overview loads, then confirmed by the engine). */
  imageSize = $state<{ width: number; height: number } | null>(null);
  scale = $state(3);
  region = $state<Region | null>(null);
  models = $state.raw<ModelSummary[]>([]);
  /** Extra models the user ticked, beyond the default one. */
  extraModels = $state.raw<string[]>([]);
  evaluate = $state(false);
  panes = $state.raw<Pane[]>([]);
  busy = $state(false);
  error = $state<UiError | null>(null);
  notice = $state<string | null>(null);
  layout = $state<'grid' | 'slider'>('grid');
  sliderA = $state(2);
  sliderB = $state(4);
  sliderPosition = $state(50);
  zoom = $state<number>(2);
  panX = $state(0);
  panY = $state(0);
  selectedPane = $state(0);
  private inFlight: AbortController | undefined;
  /** Settles once the model list arrived, so the first render already includes the default model's pane. */
  private modelsLoaded: Promise<void>;

  /** The overview of the photo: a TIFF or HEIC through the engine's full-size copy (browsers cannot show them). */
  readonly display: DisplayImages;

  constructor(private readonly client: SrsClient) {
    this.display = new DisplayImages(client);
    this.modelsLoaded = this.loadModels();
  }

  get defaultModel(): ModelSummary | undefined {
    return defaultModelFor(this.models, this.scale);
  }

  /** Every model of the scale (photo, clean, reference, the user's own, int8 variants), in the picker's order. */
  get modelsForScale(): ModelSummary[] {
    return modelChoices(this.models, { withInt8: true }).find((group) => group.scale === this.scale)?.models ?? [];
  }

  /** No ground truth (Evaluate off): the panes enlarge the photo as it is, so there is nothing to score them against. */
  get showsPhotoAsGiven(): boolean {
    return !this.evaluate && this.panes.length > 0;
  }

  /** Index of the pane the engine marked best in Evaluate mode (highest PSNR, then SSIM), or -1. */
  get bestPane(): number {
    return this.panes.findIndex((pane) => pane.best);
  }

  async loadModels(): Promise<void> {
    try {
      this.models = (await this.client.models.list({})).models;
    } catch (error) {
      this.error = uiError(error);
    }
  }

  async pickPhoto(): Promise<void> {
    const files = await this.client.pickFiles([{ name: 'Photos', extensions: [...PHOTO_EXTENSIONS] }]);
    if (files[0]) this.setPhoto(files[0]);
  }

  setPhoto(path: string): void {
    this.imagePath = path;
    this.imageSize = null;
    this.region = null;
    this.panes = [];
    this.error = null;
  }

  /** Called by the overview once the browser decoded the photo. */
  photoLoaded(width: number, height: number): void {
    this.imageSize = { width, height };
    if (!this.region) this.pickCentre(width / 2, height / 2);
  }

  /** Centres the region on a point of the photo (source pixels), clamped inside it, and renders it. */
  pickCentre(cx: number, cy: number): void {
    if (!this.imageSize) return;
    const side = this.evaluate ? EVALUATE_REGION_SIZE : REGION_SIZE;
    const width = Math.min(side, this.imageSize.width);
    const height = Math.min(side, this.imageSize.height);
    const x = Math.round(Math.min(Math.max(cx - width / 2, 0), this.imageSize.width - width));
    const y = Math.round(Math.min(Math.max(cy - height / 2, 0), this.imageSize.height - height));
    this.region = { x, y, width, height };
    this.panX = 0;
    this.panY = 0;
  }

  methods(): { method: PaneMethod; label: string }[] {
    const list: { method: PaneMethod; label: string }[] = INTERPOLATIONS.map((i) => ({
      method: { interpolation: i.method },
      label: i.label,
    }));
    const model = this.defaultModel;
    if (model) list.push({ method: { model: model.meta.id }, label: model.title });
    for (const id of this.extraModels) {
      const extra = this.models.find((m) => m.meta.id === id);
      if (extra && extra.meta.id !== model?.meta.id && extra.meta.scale === this.scale)
        list.push({ method: { model: id }, label: extra.title });
    }
    return list;
  }

  /** Switches Evaluate mode, keeping the region centred where it was (its size depends on the mode). */
  setEvaluate(on: boolean): void {
    this.evaluate = on;
    if (this.region) this.pickCentre(this.region.x + this.region.width / 2, this.region.y + this.region.height / 2);
  }

  toggleModel(id: string): void {
    this.extraModels = this.extraModels.includes(id) ? this.extraModels.filter((m) => m !== id) : [...this.extraModels, id];
  }

  /**
   * What the engine takes: the region in photo pixels, or in Evaluate mode in pixels of the degraded photo (the
   * engine scores against the ×scale truth region, so the panes cover the box drawn on the overview in both modes).
   */
  requestParams(): ParamsOf<'preview.tiles'> | null {
    if (!this.imagePath || !this.region) return null;
    const f = this.evaluate ? this.scale : 1;
    const region = {
      x: Math.floor(this.region.x / f),
      y: Math.floor(this.region.y / f),
      width: Math.floor(this.region.width / f),
      height: Math.floor(this.region.height / f),
    };
    if (region.width < 8 || region.height < 8) return null;
    return {
      image: this.imagePath,
      region,
      scale: this.scale,
      methods: this.methods().map((m) => m.method),
      ...(this.evaluate ? { evaluate: true } : {}),
    };
  }

  /** Renders the current region with every method; a newer request cancels the one still running. */
  async render(): Promise<void> {
    await this.modelsLoaded;
    const params = this.requestParams();
    if (!params) return;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const methods = this.methods();
    this.busy = true;
    this.error = null;
    try {
      const result: ResultOf<'preview.tiles'> = await this.client.preview.tiles(params, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.panes = result.tiles.map((tile) => {
        const key = methodKey(tile.method as PaneMethod);
        const label = methods.find((m) => methodKey(m.method) === key)?.label ?? key;
        return {
          key,
          label,
          method: tile.method as PaneMethod,
          url: this.client.imageUrl(tile.image.path),
          width: tile.image.width,
          height: tile.image.height,
          seconds: tile.seconds,
          psnr: tile.scores?.psnr ?? null,
          ssim: tile.scores?.ssim ?? null,
          best: tile.best === true,
        };
      });
      if (result.truth) {
        this.panes = [
          ...this.panes,
          {
            key: 'truth',
            label: 'Original',
            method: { interpolation: 'nearest' },
            url: this.client.imageUrl(result.truth.path),
            width: result.truth.width,
            height: result.truth.height,
            seconds: 0,
            psnr: null,
            ssim: null,
            best: false,
          },
        ];
      }
      this.sliderA = Math.min(this.sliderA, this.panes.length - 1);
      this.sliderB = Math.min(this.sliderB, this.panes.length - 1);
    } catch (error) {
      if (!controller.signal.aborted) this.error = uiError(error);
    } finally {
      if (this.inFlight === controller) {
        this.busy = false;
        this.inFlight = undefined;
      }
    }
  }

  cancel(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
    this.busy = false;
    this.notice = 'Rendering cancelled.';
  }

  zoomBy(direction: 1 | -1): void {
    const index = ZOOM_STEPS.indexOf(this.zoom as (typeof ZOOM_STEPS)[number]);
    const next = ZOOM_STEPS[Math.min(Math.max((index < 0 ? 1 : index) + direction, 0), ZOOM_STEPS.length - 1)];
    this.zoom = next;
  }

  /** Pans in output pixels; the views clamp visually, so a pan past the edge simply shows the border. */
  panBy(dx: number, dy: number): void {
    this.panX = Math.round(this.panX + dx);
    this.panY = Math.round(this.panY + dy);
  }

  /** Where "Export comparison" writes by default: next to the photo. */
  defaultExportPath(): string {
    const path = this.imagePath ?? 'comparison.png';
    return `${path.replace(/\.[^./\\]+$/, '')}-compare-x${this.scale}${this.evaluate ? '-eval' : ''}.png`;
  }

  /** The engine draws the labelled PNG (with scores in Evaluate mode) and writes it atomically. */
  async exportTo(to: string): Promise<void> {
    const params = this.requestParams();
    if (!params) return;
    this.busy = true;
    this.error = null;
    try {
      const { image } = await this.client.preview.export({ ...params, to });
      this.notice = `Comparison saved: ${image.path} (${image.width}×${image.height}).`;
    } catch (error) {
      this.error = uiError(error);
    } finally {
      this.busy = false;
    }
  }
}
