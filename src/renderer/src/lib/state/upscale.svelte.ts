import {
  type EventPayload,
  type JobSummary,
  type ModelSummary,
  OUTPUT_DEFAULTS,
  type QueueWorker,
  type ResultOf,
  type SrsClient,
  type UpscaleParams,
} from '../../../../shared/contract/index.ts';
import { PHOTO_EXTENSIONS } from '../../../../shared/photo-extensions.ts';
import { DisplayImages } from './display-images.svelte.ts';

type OutputFormat = UpscaleParams['format'];

import { initialChoice } from '../model-choice.ts';
import { toUiError, type UiError } from '../ui-error.ts';

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface QueueItem {
  input: string;
  name: string;
  output?: string;
  state: ItemState;
  error?: string;
  seconds: number | null;
}

export type Sizing = 'model' | 'scale' | 'width' | 'height';

const FINISHED = new Set<JobSummary['state']>(['done', 'failed', 'cancelled', 'interrupted']);
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/**
 * The Upscale screen: the batch being set up (inputs, model, size, format, output) and the batch that runs.
 * The engine's journal (jobs.details) is the truth for every file; job events say when to re-read it and carry the
 * overall progress and ETA. Re-reads are coalesced so a fast batch never floods the engine.
 */
export class UpscaleState {
  inputs = $state.raw<string[]>([]);
  models = $state.raw<ModelSummary[]>([]);
  modelsError = $state<UiError | null>(null);
  modelId = $state('');
  sizing = $state<Sizing>('model');
  scale = $state(2);
  width = $state(1920);
  height = $state(1080);
  format = $state<OutputFormat>('keep');
  /** JPEG/WebP/AVIF quality: the engine's default per format, or one number for all. */
  qualityChoice = $state<'default' | 'custom'>('default');
  quality = $state<number>(OUTPUT_DEFAULTS.quality.jpeg);
  /** PNG compression effort, zlib's level 0–9. */
  pngCompression = $state<number>(OUTPUT_DEFAULTS.pngCompression);
  outputFolder = $state('');
  nameTemplate = $state('{name}_x{scale}');
  existing = $state<UpscaleParams['existing']>('refuse');
  /** auto: the model's int8 variant where the engine's CPU has int8 dot products and the variant keeps the quality budget. */
  precision = $state<NonNullable<UpscaleParams['precision']>>('auto');
  /** A photo model's restoration strength, 0 (keep grain and texture) to 1 (full clean-up); sent only where it applies. */
  strength = $state(1);
  notice = $state<string | null>(null);

  /** "Run on queue": the files go to `srstudio worker` processes through this Redis instead of this engine. */
  onQueue = $state(false);
  queueUrl = $state('');
  queueInfo = $state.raw<ResultOf<'queue.check'> | null>(null);
  queueError = $state<UiError | null>(null);
  checkingQueue = $state(false);
  /** The running batch's queue number and each worker's part (queue.workers events). */
  batch = $state<number | null>(null);
  workers = $state.raw<QueueWorker[]>([]);

  job = $state.raw<JobSummary | null>(null);
  items = $state.raw<QueueItem[]>([]);
  done = $state(0);
  total = $state(0);
  etaSeconds = $state<number | null>(null);
  current = $state<string | null>(null);
  startedAt = $state<number | null>(null);
  elapsedSeconds = $state(0);
  starting = $state(false);
  error = $state<UiError | null>(null);
  selected = $state<string | null>(null);
  /** Where the batch being shown writes (from its journal, not from the form, which may have changed since). */
  jobOutputFolder = $state<string | null>(null);
  /** Input sizes learnt from the loaded thumbnails, for the MP/s figure. */
  private readonly megapixels = new Map<string, number>();
  megapixelsVersion = $state(0);
  /** How far the running file is (0..1), from the engine's progress events. */
  currentFraction = $state(0);
  /** Output MP/s as the engine measures it; preferred over the estimate from thumbnails. */
  private engineMegapixelsPerSecond = $state<number | null>(null);
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  /** What the queue and the before/after view show: TIFF and HEIC through the engine's copies (browsers cannot show them). */
  readonly display: DisplayImages;

  constructor(
    private readonly client: SrsClient,
    signal: AbortSignal,
  ) {
    this.display = new DisplayImages(client);
    client.on('job.progress', (event) => this.onProgress(event), { signal });
    client.on('job.state', (event) => this.onState(event), { signal });
    client.on(
      'queue.workers',
      (event) => {
        if (this.job && event.jobId === this.job.id) {
          this.batch = event.batch;
          this.workers = event.workers;
        }
      },
      { signal },
    );
    client.on(
      'log',
      (event) => {
        if (this.job && event.source === `job ${this.job.id}`) void this.refresh();
      },
      { signal },
    );
    const tick = setInterval(() => {
      if (this.startedAt !== null && this.running) this.elapsedSeconds = (Date.now() - this.startedAt) / 1000;
    }, 1000);
    signal.addEventListener('abort', () => clearInterval(tick), { once: true });
  }

  get model(): ModelSummary | undefined {
    return this.models.find((m) => m.meta.id === this.modelId);
  }

  get running(): boolean {
    return this.job !== null && (this.job.state === 'running' || this.job.state === 'queued');
  }

  get canStart(): boolean {
    const queueReady = !this.onQueue || this.queueUrl.trim() !== '';
    return this.inputs.length > 0 && this.outputFolder.trim() !== '' && queueReady && !this.running && !this.starting;
  }

  get canResume(): boolean {
    return this.job !== null && (this.job.state === 'cancelled' || this.job.state === 'interrupted');
  }

  /** Megapixels per second: the engine's figure (output pixels), else input pixels of finished files from the thumbnails. */
  get megapixelsPerSecond(): number | null {
    if (this.engineMegapixelsPerSecond !== null) return this.engineMegapixelsPerSecond;
    void this.megapixelsVersion;
    if (this.elapsedSeconds <= 0) return null;
    let total = 0;
    for (const item of this.items) if (item.state === 'done') total += this.megapixels.get(item.input) ?? 0;
    return total > 0 ? total / this.elapsedSeconds : null;
  }

  get selectedItem(): QueueItem | undefined {
    return this.items.find((i) => i.input === this.selected && i.state === 'done' && i.output);
  }

  async load(): Promise<void> {
    try {
      const [{ models }, { settings }] = await Promise.all([this.client.models.list({}), this.client.settings.get({})]);
      this.models = models;
      this.modelId = initialChoice(models)?.meta.id ?? '';
      if (!this.outputFolder && settings.outputFolder) this.outputFolder = settings.outputFolder;
      if (settings.outputFormat) this.format = settings.outputFormat;
    } catch (error) {
      this.modelsError = toUiError(error, 'Check the engine on the System screen.');
    }
    // Re-attach to the newest batch if it is still running or can be resumed (e.g. after a reload).
    try {
      const { jobs } = await this.client.jobs.list({ limit: 20 });
      const latest = jobs.find((j) => j.kind === 'upscale');
      if (latest && !this.job && (latest.state === 'running' || latest.state === 'queued' || this.resumable(latest))) {
        this.job = latest;
        await this.refresh();
      }
    } catch {
      // No journal yet: nothing to re-attach to.
    }
  }

  private resumable(job: JobSummary): boolean {
    return job.state === 'cancelled' || job.state === 'interrupted';
  }

  addInputs(paths: string[]): void {
    const fresh = paths.filter((p) => p && !this.inputs.includes(p));
    if (fresh.length > 0) this.inputs = [...this.inputs, ...fresh];
  }

  removeInput(path: string): void {
    this.inputs = this.inputs.filter((p) => p !== path);
  }

  async addFolder(): Promise<void> {
    const folder = await this.client.pickFolder();
    if (folder) this.addInputs([folder]);
  }

  async addFiles(): Promise<void> {
    this.addInputs(await this.client.pickFiles([{ name: 'Photos', extensions: [...PHOTO_EXTENSIONS] }]));
  }

  async chooseOutputFolder(): Promise<void> {
    const folder = await this.client.pickFolder();
    if (folder) this.outputFolder = folder;
  }

  /** Paths from a drop: file:// URIs or plain absolute paths. Browsers hide the paths of dropped files. */
  dropped(data: DataTransfer): void {
    const uris = data.getData('text/uri-list') || data.getData('text/plain');
    const paths = uris
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => (line.startsWith('file://') ? decodeURIComponent(new URL(line).pathname) : line))
      .filter((line) => line.startsWith('/') || /^[A-Za-z]:[\\/]/.test(line));
    if (paths.length > 0) {
      this.addInputs(paths);
      this.notice = null;
    } else {
      this.notice = 'This browser does not reveal where dropped files live. Use “Add folder” or “Add files” instead.';
    }
  }

  params(): UpscaleParams {
    return {
      inputs: this.inputs,
      outputFolder: this.outputFolder.trim(),
      recursive: false,
      ...(this.modelId ? { model: this.modelId } : {}),
      ...(this.model?.strength && this.strength !== 1 ? { strength: this.strength } : {}),
      precision: this.precision,
      ...(this.sizing === 'scale' ? { scale: this.scale } : {}),
      ...(this.sizing === 'width' ? { width: this.width } : {}),
      ...(this.sizing === 'height' ? { height: this.height } : {}),
      format: this.format,
      ...(this.qualityChoice === 'custom' && this.format !== 'png' && this.format !== 'tiff' ? { quality: this.quality } : {}),
      ...((this.format === 'png' || this.format === 'keep') && this.pngCompression !== OUTPUT_DEFAULTS.pngCompression
        ? { pngCompression: this.pngCompression }
        : {}),
      nameTemplate: this.nameTemplate.trim() || '{name}_x{scale}',
      existing: this.existing,
    };
  }

  /** Connects to the queue and lists its workers, or shows what is wrong with the URL. */
  async checkQueue(): Promise<void> {
    this.checkingQueue = true;
    this.queueError = null;
    this.queueInfo = null;
    try {
      this.queueInfo = await this.client.queue.check({ url: this.queueUrl.trim() });
    } catch (error) {
      this.queueError = toUiError(error, 'Check the URL: redis://HOST:PORT, or rediss:// for TLS.');
    } finally {
      this.checkingQueue = false;
    }
  }

  async start(): Promise<void> {
    this.starting = true;
    this.error = null;
    this.selected = null;
    this.batch = null;
    this.workers = [];
    try {
      if (this.onQueue) {
        const started = await this.client.queue.upscale({ batch: this.params(), url: this.queueUrl.trim() });
        this.batch = started.batch;
        this.attach(started.job);
      } else {
        this.attach((await this.client.jobs.start(this.params())).job);
      }
      await this.refresh();
    } catch (error) {
      this.error = toUiError(error, 'Check the inputs and the output folder, then start again.');
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    try {
      this.job = (await this.client.jobs.cancel({ jobId: this.job.id })).job;
      await this.refresh();
    } catch (error) {
      this.error = toUiError(error);
    }
  }

  async resume(): Promise<void> {
    if (!this.job) return;
    this.error = null;
    try {
      this.attach((await this.client.jobs.resume({ jobId: this.job.id })).job);
      await this.refresh();
    } catch (error) {
      this.error = toUiError(error, 'Start the batch again as a new job.');
    }
  }

  async reveal(path: string): Promise<void> {
    await this.client.revealInFolder(path);
  }

  noteMegapixels(input: string, width: number, height: number): void {
    if (this.megapixels.has(input)) return;
    this.megapixels.set(input, (width * height) / 1e6);
    this.megapixelsVersion++;
  }

  private attach(job: JobSummary): void {
    this.job = job;
    this.done = job.done;
    this.total = job.total;
    this.etaSeconds = null;
    this.current = null;
    this.startedAt = Date.now();
    this.elapsedSeconds = 0;
  }

  private onProgress(event: EventPayload<'job.progress'>): void {
    if (!this.job || event.jobId !== this.job.id) return;
    const advanced = event.done !== this.done;
    this.done = event.done;
    this.total = event.total;
    this.etaSeconds = event.etaSeconds;
    this.current = event.message ?? null;
    this.currentFraction = event.itemFraction ?? 0;
    if (event.megapixelsPerSecond != null) this.engineMegapixelsPerSecond = event.megapixelsPerSecond;
    if (this.current) {
      const running = this.current;
      this.items = this.items.map((i) => (i.state === 'pending' && i.name === running ? { ...i, state: 'running' } : i));
    }
    if (advanced) void this.refresh();
  }

  private onState(event: EventPayload<'job.state'>): void {
    if (!this.job || event.jobId !== this.job.id) return;
    this.job = { ...this.job, state: event.state };
    if (FINISHED.has(event.state)) {
      this.current = null;
      this.etaSeconds = null;
      if (event.error) this.error = { message: event.error.message, hint: event.error.hint };
    }
    void this.refresh();
  }

  /** Re-reads the journal; calls during a read are folded into one more read after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.readDetails();
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async readDetails(): Promise<void> {
    const job = this.job;
    if (!job) return;
    try {
      const details = await this.client.jobs.details({ jobId: job.id });
      const running = this.current;
      this.job = details.job;
      this.jobOutputFolder = details.params?.outputFolder ?? null;
      this.done = details.job.done;
      this.total = details.job.total;
      this.items = details.items.map((item) => ({
        input: item.input,
        name: baseName(item.input),
        output: item.output,
        state: item.state === 'pending' && running === baseName(item.input) && this.running ? 'running' : item.state,
        error: item.error,
        seconds: item.seconds,
      }));
      if (!this.selected) this.selected = this.items.find((i) => i.state === 'done' && i.output)?.input ?? null;
    } catch (error) {
      this.error = toUiError(error);
    }
  }
}
