/**
 * MP/s and ETA for a batch. Work is measured in output megapixels, since that is what the model's cost grows with;
 * each remaining item is weighted by its estimated output size (from a header probe), so one 24 MP photo among
 * thumbnails moves the ETA as much as it should. An item whose header could not be read weighs 0: such files are the
 * ones that fail to decode, quickly. The probes run beside the batch (a big folder's would otherwise delay its first
 * photo): an item not probed yet weighs the mean of those that were. Only work done in this session counts towards
 * the rate: items finished before a resume took time that was not measured. With a pipeline, the item in progress is
 * the one in the model (the one reporting fractions).
 */
export interface ThroughputSnapshot {
  megapixelsPerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export class ThroughputMeter {
  /** Remaining items by key: estimated output MP, or undefined while not probed. */
  private readonly remaining = new Map<number, number | undefined>();
  private probedMp = 0;
  private probedCount = 0;
  private completedMp = 0;
  private current: { key: number; fraction: number } | undefined;
  private readonly startedAt: number;

  /**
   * `weights`: estimated output megapixels of each item still to do, by item key (undefined: not probed yet, see
   * `setWeight`). `now` is in seconds.
   */
  constructor(
    weights: ReadonlyMap<number, number | undefined>,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    for (const [key, mp] of weights) {
      this.remaining.set(key, undefined);
      if (mp !== undefined) this.setWeight(key, mp);
    }
    this.startedAt = now();
  }

  /** An item's estimated output MP, once probed. */
  setWeight(key: number, mp: number): void {
    if (!this.remaining.has(key) || this.remaining.get(key) !== undefined) return;
    const weight = Number.isFinite(mp) && mp > 0 ? mp : 0;
    this.remaining.set(key, weight);
    this.probedMp += weight;
    this.probedCount += 1;
  }

  itemStarted(key: number): void {
    this.current = { key, fraction: 0 };
  }

  /** Fraction of an item done (tiles), 0..1; that item becomes the current one. */
  itemProgress(key: number, fraction: number): void {
    if (this.current?.key !== key) this.current = { key, fraction: 0 };
    this.current.fraction = Math.min(1, Math.max(0, fraction));
  }

  /** `outputMp`: the real output size of a successful item, 0 for a failed or skipped one. */
  itemFinished(key: number, outputMp: number): void {
    this.remaining.delete(key);
    this.completedMp += Math.max(0, outputMp);
    if (this.current?.key === key) this.current = undefined;
  }

  snapshot(): ThroughputSnapshot {
    const elapsedSeconds = Math.max(0, this.now() - this.startedAt);
    const unprobed = this.probedCount > 0 ? this.probedMp / this.probedCount : Number.NaN;
    const weight = (key: number): number => this.remaining.get(key) ?? unprobed;
    const inFlight = this.current ? weight(this.current.key) * this.current.fraction : 0;
    const doneMp = this.completedMp + inFlight;
    let remainingMp = -inFlight;
    for (const key of this.remaining.keys()) remainingMp += weight(key);
    // NaN while nothing is probed yet: the work left is unknown, and so is the ETA.
    remainingMp = Math.max(0, remainingMp);

    // Below ~50 ms or with nothing done yet, any rate would be noise.
    const rate = Number.isFinite(doneMp) && doneMp > 0 && elapsedSeconds >= 0.05 ? doneMp / elapsedSeconds : null;
    const megapixelsPerSecond = rate ?? (this.completedMp > 0 && elapsedSeconds >= 0.05 ? this.completedMp / elapsedSeconds : null);
    const etaSeconds = Number.isNaN(remainingMp)
      ? null
      : remainingMp === 0
        ? 0
        : megapixelsPerSecond
          ? remainingMp / megapixelsPerSecond
          : null;
    return { megapixelsPerSecond, etaSeconds, elapsedSeconds };
  }
}
