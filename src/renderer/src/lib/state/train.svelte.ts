import {
  type DatasetProfile,
  type DatasetSummary,
  type EventPayload,
  type MetricPoint,
  type ModelSummary,
  type SrsClient,
  type TrainingDegradation,
  type TrainingRunSummary,
  TrainingStartParams,
  type ValidationSample,
} from '../../../../shared/contract/index.ts';
import { PRESET_WORDS, profileLabel } from '../degradation-words.ts';
import { DEFAULT_FORM, type DegradationChoice, fittedToParent, PROFILE_KEY, photoFineTune, type TrainForm } from './train-form.ts';
import { UserActions, uiError } from './user-actions.svelte.ts';

export interface RunNote {
  level: 'info' | 'warn';
  message: string;
}

/** A collection with thousands of unreadable files would otherwise grow the list without bound. */
const MAX_NOTES = 200;

const ACTIVE = new Set(['queued', 'running', 'paused', 'interrupted']);
const WAITING = new Set(['queued', 'paused', 'interrupted']);

/** What the notice says about a run the user started or controlled here, in each state its job goes through. */
export function runNotice(runId: string, state: TrainingRunSummary['state']): string {
  switch (state) {
    case 'queued':
      return `Run ${runId} queued: it starts as soon as no other job is running.`;
    case 'running':
      return `Run ${runId} started.`;
    case 'paused':
      return `Run ${runId} paused: Resume continues from its last checkpoint.`;
    case 'interrupted':
      return `Run ${runId} was interrupted: Resume continues from its last checkpoint.`;
    case 'done':
      return `Run ${runId} finished.`;
    case 'failed':
      return `Run ${runId} failed.`;
    case 'cancelled':
      return `Run ${runId} cancelled.`;
  }
}

/**
 * The Train screen: a form checked by the contract's zod schema before it is sent, the runs history, and the live
 * metrics of the run on screen (history from `training.metrics`, then streamed points from the event).
 */
export class TrainState extends UserActions {
  form = $state<TrainForm>({ ...DEFAULT_FORM });
  fieldErrors = $state<Record<string, string>>({});
  datasets = $state.raw<DatasetSummary[]>([]);
  /** Models a run can start from: SR Studio's own (an imported model's weights have other names). */
  parents = $state.raw<ModelSummary[]>([]);
  runs = $state.raw<TrainingRunSummary[]>([]);
  /** Data sets whose photos were profiled: each is a degradation to train for. */
  profiles = $state.raw<DatasetProfile[]>([]);
  selectedRunId = $state<string | null>(null);
  /** The selected run's latest validation sample (bicubic / model / ground truth), refreshed at each validation. */
  sample = $state.raw<ValidationSample | null>(null);
  points = $state.raw<MetricPoint[]>([]);
  etaSeconds = $state<number | null>(null);
  /**
   * The run the notice reports on (the last one started or controlled from this screen), so the notice follows
   * its job's state events (queued, started, finished…) instead of keeping the words of the moment it was sent.
   */
  private followed: { runId: string; jobId: string | undefined } | null = null;
  /**
   * The latest state each training job reported. The engine sends a job's state change before it answers the
   * request that caused it, so an answer (whose run summary can still say 'queued') may be older than the event.
   */
  private readonly jobStates = new Map<string, TrainingRunSummary['state']>();
  /**
   * What the engine said about each run while this screen was open: photos it left out, windows it cut from large
   * photos, the device it fell back to. Live only (the engine logs them, it does not store them).
   */
  private notesByRun = $state.raw<Record<string, RunNote[]>>({});
  /** Whether the form has been given its starting settings from the model list (once: later loads keep the user's). */
  private formStarted = false;

  constructor(
    private readonly client: SrsClient,
    signal: AbortSignal,
  ) {
    super();
    client.on('training.metrics', (event) => this.onMetrics(event), { signal });
    client.on('log', (event) => this.onLog(event), { signal });
    client.on(
      'job.state',
      (event) => {
        if (event.kind === 'training') {
          const mine = this.selectedRun?.jobId === event.jobId;
          if (event.error && mine) this.error = uiError(event.error);
          this.jobStates.set(event.jobId, event.state);
          this.onFollowedState(event.jobId, event.state);
          void this.loadRuns();
          if (mine && this.selectedRunId) void this.loadHistory(this.selectedRunId);
        }
      },
      { signal },
    );
  }

  private follow(run: TrainingRunSummary): void {
    this.followed = { runId: run.id, jobId: run.jobId };
    const reported = run.jobId === undefined ? undefined : this.jobStates.get(run.jobId);
    this.notice = runNotice(run.id, reported ?? run.state);
  }

  private onFollowedState(jobId: string, state: TrainingRunSummary['state']): void {
    const followed = this.followed;
    if (!followed) return;
    // A run whose summary came without its job id (a run resumed for the first time) is matched once runs reload.
    const followedJob = followed.jobId ?? this.runs.find((r) => r.id === followed.runId)?.jobId;
    if (followedJob === jobId) this.notice = runNotice(followed.runId, state);
  }

  private onLog(event: EventPayload<'log'>): void {
    const runId = /^training run (\S+)$/.exec(event.source)?.[1];
    if (!runId || (event.level !== 'info' && event.level !== 'warn')) return;
    const notes = [...(this.notesByRun[runId] ?? []), { level: event.level, message: event.message }];
    this.notesByRun = { ...this.notesByRun, [runId]: notes.slice(-MAX_NOTES) };
  }

  /** The engine's notes on the selected run, oldest first. */
  get runNotes(): RunNote[] {
    return this.selectedRunId ? (this.notesByRun[this.selectedRunId] ?? []) : [];
  }

  get selectedRun(): TrainingRunSummary | undefined {
    return this.runs.find((r) => r.id === this.selectedRunId);
  }

  get isActive(): boolean {
    return this.selectedRun ? ACTIVE.has(this.selectedRun.state) : false;
  }

  /** The last validation's bicubic numbers: the baseline lines on the PSNR and SSIM charts. */
  get baseline(): { psnr: number | null; ssim: number | null } {
    for (let i = this.points.length - 1; i >= 0; i--) {
      const p = this.points[i];
      if (p.bicubicPsnr != null || p.bicubicSsim != null) return { psnr: p.bicubicPsnr ?? null, ssim: p.bicubicSsim ?? null };
    }
    return { psnr: null, ssim: null };
  }

  get validationPoints(): MetricPoint[] {
    return this.points.filter((p) => p.psnr !== null);
  }

  private onMetrics(event: EventPayload<'training.metrics'>): void {
    if (event.runId !== this.selectedRunId) return;
    const { runId: _run, totalSteps, etaSeconds, sample, ...point } = event;
    if (sample) this.sample = sample;
    const last = this.points.at(-1);
    if (last && point.step < last.step) return;
    this.points = last && last.step === point.step ? [...this.points.slice(0, -1), point] : [...this.points, point];
    this.etaSeconds = etaSeconds ?? null;
    // Live events are coalesced (latest wins), so a validation can be skipped over: re-read the recorded history
    // whenever one shows up, which also fills in any validation points the stream dropped.
    if (point.psnr !== null) void this.loadHistory(event.runId);
    const run = this.selectedRun;
    if (run && point.step > run.step) {
      // New steps mean the run is running, whatever the last summary said (a resumed run is queued first).
      this.runs = this.runs.map((r) =>
        r.id === run.id
          ? { ...r, step: point.step, totalSteps: totalSteps ?? r.totalSteps, state: WAITING.has(r.state) ? 'running' : r.state }
          : r,
      );
    }
  }

  /** The degradations a run can train on: the presets, then every profiled data set's photos. */
  get degradationChoices(): DegradationChoice[] {
    const presets = (['clean', 'photo', 'heavy'] as const).map((key) => ({ key, ...PRESET_WORDS[key] }));
    const profiled = this.profiles.map((p) => ({
      key: `${PROFILE_KEY}${p.datasetId}`,
      label: profileLabel(p.datasetId),
      detail: p.summary,
    }));
    return [...presets, ...profiled];
  }

  /**
   * Sets the form to train for a profiled data set's photos, on that data set ("Train a model that matches"): a
   * fine-tune of the bundled ×2 photo model (×2: the Upscale screen's default), with the settings of its card's last
   * stage, so that Start is all a newcomer has to press. Without that model (or its network among the form's), only
   * the photos and the degradation are set.
   */
  matchProfile(datasetId: string): void {
    const profile = this.profiles.find((p) => p.datasetId === datasetId);
    if (!profile) {
      this.error = { message: `Data set ${datasetId} has no profile yet`, hint: 'Profile its photos on the Datasets screen first.' };
      return;
    }
    this.form.degradation = `${PROFILE_KEY}${datasetId}`;
    if (this.datasets.some((d) => d.id === datasetId)) this.form.datasetId = datasetId;
    const base = photoFineTune(this.parents, 2);
    if (!base) {
      this.notice = `Set to train a model that matches data set ${datasetId}'s photos: choose the architecture, scale and steps, then Start training.`;
      return;
    }
    Object.assign(this.form, base.settings);
    this.notice = `Set to fine-tune ${base.id} on data set ${datasetId}'s photos, degraded the way they were measured: press Start training, or change the settings first.`;
  }

  /**
   * Starting from a model fits the form to it, as `srstudio train --init` does: its network, where the form offers it,
   * and its scale (a run at another scale, such as SRCNN ×3 from srcnn-x2, changes the scale after).
   */
  startFrom(id: string): void {
    const parent = this.parents.find((m) => m.meta.id === id);
    Object.assign(this.form, { initModelId: id }, parent ? fittedToParent(parent) : {});
  }

  async load(): Promise<void> {
    await this.run('Loading…', async () => {
      this.datasets = (await this.client.datasets.list({})).datasets;
      this.profiles = (await this.client.datasets.profiles({})).profiles;
      if (!this.form.datasetId && this.datasets[0]) this.form.datasetId = this.datasets[0].id;
      this.parents = (await this.client.models.list({})).models.filter((m) => m.meta.architecture !== 'imported');
      if (!this.formStarted) {
        this.formStarted = true;
        const base = photoFineTune(this.parents, 2);
        if (base) Object.assign(this.form, base.settings, { degradation: 'photo' });
      }
      await this.loadRuns();
      const latest = this.runs[0];
      if (!this.selectedRunId && latest) await this.selectRun(latest.id);
    });
  }

  async loadRuns(): Promise<void> {
    try {
      const runs = (await this.client.training.runs({})).runs;
      this.runs = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    } catch (error) {
      this.error = uiError(error);
    }
  }

  async selectRun(id: string): Promise<void> {
    this.selectedRunId = id;
    this.points = [];
    this.etaSeconds = null;
    this.sample = this.runs.find((r) => r.id === id)?.sample ?? null;
    await this.loadHistory(id);
  }

  /** The run's recorded metrics, then any points streamed after the last recorded one. */
  async loadHistory(id: string): Promise<void> {
    try {
      const { points } = await this.client.training.metrics({ runId: id });
      if (this.selectedRunId !== id) return;
      // Keep points streamed while the history was loading.
      const after = this.points.filter((p) => p.step > (points.at(-1)?.step ?? -1));
      this.points = [...points, ...after];
    } catch (error) {
      this.error = uiError(error);
    }
  }

  /** The form's degradation as the contract's: a preset, or the profiled data set's recipe for the chosen scale. */
  private degradationParam(): TrainingDegradation | string {
    const key = this.form.degradation;
    if (key === 'clean' || key === 'photo' || key === 'heavy') return { preset: key };
    const datasetId = key.slice(PROFILE_KEY.length);
    const profile = this.profiles.find((p) => p.datasetId === datasetId);
    if (!key.startsWith(PROFILE_KEY) || !profile) return 'Choose what the inputs look like.';
    const scale = String(this.form.scale);
    if (scale !== '2' && scale !== '3' && scale !== '4') return 'A profile has recipes for ×2, ×3 and ×4 only.';
    const recipe = profile.recipes[scale];
    const name = typeof recipe.name === 'string' && recipe.name ? recipe.name : `dataset-${datasetId}-photos-x${scale}`;
    return { name, recipe };
  }

  /** Checks the form with the contract's schema; field messages land next to their inputs. */
  validate(): ReturnType<typeof TrainingStartParams.safeParse> {
    const { datasetId, initModelId, degradation: _key, ...rest } = this.form;
    const degradation = this.degradationParam();
    const parsed = TrainingStartParams.safeParse({
      ...rest,
      ...(datasetId ? { datasetId } : {}),
      ...(initModelId ? { initModelId } : {}),
      ...(typeof degradation === 'string' ? {} : { degradation }),
    });
    const errors: Record<string, string> = {};
    if (!datasetId) errors.datasetId = 'Choose a data set (create one in Datasets).';
    if (typeof degradation === 'string') errors.degradation = degradation;
    const patchError = patchMismatch(
      this.form,
      typeof degradation !== 'string' && !('preset' in degradation && degradation.preset === 'clean'),
    );
    if (patchError) errors.patch = patchError;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'form');
        errors[field === 'data' ? 'datasetId' : field] ??= issue.message;
      }
    }
    this.fieldErrors = errors;
    return parsed;
  }

  async start(): Promise<void> {
    const parsed = this.validate();
    if (!parsed.success || Object.keys(this.fieldErrors).length > 0) return;
    const result = await this.run('Starting…', () => this.client.training.start(parsed.data));
    if (!result) return;
    this.runs = [result.run, ...this.runs.filter((r) => r.id !== result.run.id)];
    await this.selectRun(result.run.id);
    this.follow(result.run);
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const runId = this.selectedRunId;
    if (!runId) return;
    const label = { pause: 'Pausing…', resume: 'Resuming…', cancel: 'Cancelling…' }[action];
    // Only states reported from now on say how this action went.
    const jobId = this.selectedRun?.jobId;
    if (jobId !== undefined) this.jobStates.delete(jobId);
    const result = await this.run(label, () => this.client.training[action]({ runId }));
    if (!result) return;
    this.runs = this.runs.map((r) => (r.id === runId ? result.run : r));
    this.follow(result.run);
  }

  async promote(name: string): Promise<void> {
    const runId = this.selectedRunId;
    if (!runId) return;
    const result = await this.run('Adding to models…', () => this.client.training.promote({ runId, ...(name ? { name } : {}) }));
    if (!result) return;
    // The user's latest action speaks now; later state events of the run no longer replace it.
    this.followed = null;
    this.notice = `Model ${result.modelId} added to the model list.`;
  }
}

/**
 * Where the patch must be a multiple of the scale, said before anything is sent: an FSRCNN or ESPCN preset takes the
 * low-resolution image, and real-photo inputs are cut from degraded low-resolution tiles (a custom architecture is
 * left to the engine, which knows its input).
 */
function patchMismatch(form: { architecture: string; scale: number; patch: number }, degraded: boolean): string | null {
  const { architecture, scale, patch } = form;
  if (!Number.isInteger(patch) || patch < 1 || !Number.isInteger(scale) || scale < 1 || patch % scale === 0) return null;
  const lrInput = /^(fsrcnn|espcn)/.test(architecture);
  if (!lrInput && !degraded) return null;
  const why = lrInput ? `${architecture} takes the low-resolution image` : 'Photo-like inputs are cut from low-resolution tiles';
  return `${why}: use a multiple of ${scale}, such as ${Math.ceil(patch / scale) * scale}.`;
}
