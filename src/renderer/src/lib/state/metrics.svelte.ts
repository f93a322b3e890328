import type {
  EventPayload,
  JobSummary,
  MetricPoint,
  ModelSummary,
  SrsClient,
  TrainingRunSummary,
} from '../../../../shared/contract/index.ts';
import { dataNameOf, protocolsOf, type ScoreRow } from '../score-protocols.ts';
import { toUiError, type UiError } from '../ui-error.ts';

export { dataNameOf, type ScoreRow };
/** `evaluation.start`'s choice of inputs: the benchmark protocol, or inputs degraded like real photos. */
export type InputsChoice = 'clean' | 'photo' | 'heavy';

export const INTERPOLATIONS = ['bicubic', 'bilinear', 'lanczos3', 'nearest'] as const;
export type InterpolationName = (typeof INTERPOLATIONS)[number];
const BASELINES = new Set<string>(INTERPOLATIONS);
const FINISHED = new Set<JobSummary['state']>(['done', 'failed', 'cancelled', 'interrupted']);

export function isBaseline(method: string): boolean {
  return BASELINES.has(method);
}

/**
 * The Metrics dashboard: the newest PSNR/SSIM of every method × data × scale (interpolation baselines included),
 * evaluations started on demand as jobs, and training curves of the runs the user ticks.
 */
export class MetricsState {
  rows = $state.raw<ScoreRow[] | null>(null);
  rowsError = $state<UiError | null>(null);
  models = $state.raw<ModelSummary[]>([]);

  // The "run an evaluation" form.
  folders = $state.raw<string[]>([]);
  folderText = $state('');
  scales = $state.raw<number[]>([2]);
  interpolations = $state.raw<InterpolationName[]>(['bicubic']);
  modelIds = $state.raw<string[]>([]);
  /** Inputs made like real photos are drawn at random from this seed: the same seed scores every model on the same pixels. */
  inputs = $state<InputsChoice>('clean');
  seed = $state(1);
  job = $state.raw<JobSummary | null>(null);
  jobDone = $state(0);
  jobTotal = $state(0);
  jobMessage = $state<string | null>(null);
  jobEta = $state<number | null>(null);
  jobError = $state<UiError | null>(null);
  starting = $state(false);

  /** The data set the charts show. */
  chartData = $state<string | null>(null);
  /** The inputs the charts show ('clean', 'photo#1', …: score-protocols.ts). */
  chartProtocol = $state<string | null>(null);

  // Training curves.
  runs = $state.raw<TrainingRunSummary[]>([]);
  runsError = $state<UiError | null>(null);
  selectedRuns = $state.raw<string[]>([]);
  curves = $state.raw<Record<string, MetricPoint[]>>({});
  /** Final states seen for evaluation jobs: a fast job can finish before `evaluation.start` has answered. */
  private readonly finished = new Map<string, EventPayload<'job.state'>>();

  constructor(
    private readonly client: SrsClient,
    signal: AbortSignal,
  ) {
    client.on('job.progress', (event) => this.onProgress(event), { signal });
    client.on('job.state', (event) => this.onState(event), { signal });
  }

  get running(): boolean {
    return this.job !== null && !FINISHED.has(this.job.state);
  }

  get dataNames(): string[] {
    return [...new Set((this.rows ?? []).map(dataNameOf))].sort();
  }

  get protocols(): string[] {
    return protocolsOf(this.rows ?? []);
  }

  get canStart(): boolean {
    return (
      !this.running &&
      !this.starting &&
      this.folders.length > 0 &&
      this.scales.length > 0 &&
      this.interpolations.length + this.modelIds.length > 0 &&
      (this.inputs === 'clean' || (Number.isInteger(this.seed) && this.seed >= 0))
    );
  }

  async load(): Promise<void> {
    await Promise.all([this.loadResults(), this.loadModels(), this.loadRuns()]);
  }

  async loadResults(): Promise<void> {
    try {
      this.rows = (await this.client.evaluation.results({})).rows;
      this.rowsError = null;
      if (this.chartData === null || !this.dataNames.includes(this.chartData)) this.chartData = this.dataNames[0] ?? null;
      if (this.chartProtocol === null || !this.protocols.includes(this.chartProtocol)) this.chartProtocol = this.protocols[0] ?? null;
    } catch (error) {
      this.rowsError = toUiError(error, 'Check the engine on the System screen, then reload.');
    }
  }

  private async loadModels(): Promise<void> {
    try {
      this.models = (await this.client.models.list({})).models;
    } catch {
      // The form then offers interpolation only; the Models screen shows the error.
    }
  }

  async loadRuns(): Promise<void> {
    try {
      this.runs = (await this.client.training.runs({})).runs;
      this.runsError = null;
    } catch (error) {
      this.runsError = toUiError(error);
    }
  }

  addFolder(folder: string | null): void {
    const trimmed = folder?.trim();
    if (trimmed && !this.folders.includes(trimmed)) this.folders = [...this.folders, trimmed];
    this.folderText = '';
  }

  async pickFolder(): Promise<void> {
    this.addFolder(await this.client.pickFolder());
  }

  removeFolder(folder: string): void {
    this.folders = this.folders.filter((f) => f !== folder);
  }

  toggle<T>(list: readonly T[], value: T): T[] {
    return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  }

  async startEvaluation(): Promise<void> {
    this.starting = true;
    this.jobError = null;
    try {
      const { job } = await this.client.evaluation.start({
        folders: this.folders,
        scales: [...this.scales].sort((a, b) => a - b),
        methods: [...this.interpolations.map((interpolation) => ({ interpolation })), ...this.modelIds.map((model) => ({ model }))],
        ...(this.inputs === 'clean' ? {} : { degradation: { preset: this.inputs, seed: this.seed } }),
      });
      this.job = job;
      this.jobDone = job.done;
      this.jobTotal = job.total;
      this.jobMessage = null;
      this.jobEta = null;
      const early = this.finished.get(job.id);
      if (early) this.onState(early);
      else if (FINISHED.has(job.state)) await this.loadResults();
    } catch (error) {
      this.jobError = toUiError(error, 'Pick folders of ground-truth photos and at least one method and scale.');
    } finally {
      this.starting = false;
    }
  }

  async cancelEvaluation(): Promise<void> {
    if (!this.job) return;
    try {
      this.job = (await this.client.jobs.cancel({ jobId: this.job.id })).job;
    } catch (error) {
      this.jobError = toUiError(error);
    }
  }

  async toggleRun(runId: string): Promise<void> {
    this.selectedRuns = this.toggle(this.selectedRuns, runId);
    if (this.selectedRuns.includes(runId) && !this.curves[runId]) {
      try {
        const { points } = await this.client.training.metrics({ runId, maxPoints: 2000 });
        this.curves = { ...this.curves, [runId]: points };
      } catch (error) {
        this.runsError = toUiError(error);
      }
    }
  }

  private onProgress(event: EventPayload<'job.progress'>): void {
    if (!this.job || event.jobId !== this.job.id) return;
    this.jobDone = event.done;
    this.jobTotal = event.total;
    this.jobEta = event.etaSeconds;
    this.jobMessage = event.message ?? null;
  }

  private onState(event: EventPayload<'job.state'>): void {
    if (event.kind === 'evaluation' && FINISHED.has(event.state)) this.finished.set(event.jobId, event);
    if (!this.job || event.jobId !== this.job.id) return;
    this.job = { ...this.job, state: event.state };
    if (FINISHED.has(event.state)) {
      this.jobMessage = null;
      this.jobEta = null;
      if (event.error) this.jobError = { message: event.error.message, hint: event.error.hint };
      else if (event.state === 'failed')
        this.jobError = { message: 'The evaluation failed.', hint: 'Check that the folders hold readable photos.' };
      void this.loadResults();
    }
  }
}
