/** What a batch's start-up cost, phase by phase, as `--json` and the summary report it. */
export interface StartupReport {
  /** From the process' start to the batch's start (the phases add up to it). */
  seconds: number;
  /**
   * In order: e.g. modules (Node, tsx, the engine's modules), store, model (discovery, precision), plan (inputs, journal),
   * model open (the model's session opening in its worker), photo modules (sharp and the pipeline, loaded while the
   * model warms up).
   */
  phases: { name: string; seconds: number }[];
  /**
   * Opening the model's session and its first run, from the moment the model was known: this runs beside the phases
   * after it and beside the first file's decoding. Null when the batch had no model to warm (a queued batch).
   */
  modelReadySeconds: number | null;
  /**
   * How far into the batch the model became ready: the time the batch's first files waited for it. It is start-up, not
   * theirs: a file's own seconds count from the moment the model was ready.
   */
  waitedSeconds: number;
}

/**
 * Times the phases before a batch, in seconds since the process started (`performance.now()`'s origin), so that the
 * first phase also holds Node's own start and the loading of modules.
 */
export class StartupClock {
  private readonly phases: { name: string; seconds: number }[] = [];
  private last = 0;
  private readyStart: number | undefined;
  private readyEnd: number | undefined;
  private batchStart: number | undefined;

  /** Ends the phase that began where the previous one ended (the first one at the process' start). */
  lap(name: string, now = performance.now()): void {
    this.phases.push({ name, seconds: Math.max(0, now - this.last) / 1000 });
    this.last = now;
  }

  /** The model's warm-up started now; `ready` settles when the session can run at full speed. */
  warming(ready: Promise<unknown>): void {
    this.readyStart = performance.now();
    ready.then(
      () => {
        this.readyEnd = performance.now();
      },
      () => {
        // A failed warm-up is no start-up figure: the first file reports the error itself.
      },
    );
  }

  /** The batch itself starts now (its own clock, `summary.seconds`, starts here). */
  batchStarted(now = performance.now()): void {
    this.batchStart = now;
  }

  report(): StartupReport {
    const ready = this.readyStart !== undefined && this.readyEnd !== undefined ? (this.readyEnd - this.readyStart) / 1000 : null;
    return {
      seconds: this.last / 1000,
      phases: this.phases.map((p) => ({ ...p })),
      modelReadySeconds: ready,
      waitedSeconds: this.readyEnd !== undefined && this.batchStart !== undefined ? Math.max(0, this.readyEnd - this.batchStart) / 1000 : 0,
    };
  }
}
