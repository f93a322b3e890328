/**
 * MP/s and ETA for a batch. Work is measured in output megapixels, since that is what the model's cost grows with;
 * each remaining item is weighted by its estimated output size (from a header probe), so one 24 MP photo among
 * thumbnails moves the ETA as much as it should. An item whose size is unknown weighs 0: such files are the ones
 * that fail to decode, quickly. Only work done in this session counts towards the rate: items finished before a
 * resume took time that was not measured.
 */
export interface ThroughputSnapshot {
  megapixelsPerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export class ThroughputMeter {
  private readonly remaining = new Map<number, number>();
  private completedMp = 0;
  private current: { key: number; fraction: number } | undefined;
  private readonly startedAt: number;

  /** `weights`: estimated output megapixels of each item still to do, by item key. `now` is in seconds. */
  constructor(
    weights: ReadonlyMap<number, number>,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    for (const [key, mp] of weights) this.remaining.set(key, Number.isFinite(mp) && mp > 0 ? mp : 0);
    this.startedAt = now();
  }

  itemStarted(key: number): void {
    this.current = { key, fraction: 0 };
  }

  /** Fraction of the current item done (tiles), 0..1. */
  itemProgress(key: number, fraction: number): void {
    if (this.current?.key === key) this.current.fraction = Math.min(1, Math.max(0, fraction));
  }

  /** `outputMp`: the real output size of a successful item, 0 for a failed or skipped one. */
  itemFinished(key: number, outputMp: number): void {
    this.remaining.delete(key);
    this.completedMp += Math.max(0, outputMp);
    if (this.current?.key === key) this.current = undefined;
  }

  snapshot(): ThroughputSnapshot {
    const elapsedSeconds = Math.max(0, this.now() - this.startedAt);
    const inFlight = this.current ? (this.remaining.get(this.current.key) ?? 0) * this.current.fraction : 0;
    const doneMp = this.completedMp + inFlight;
    let remainingMp = -inFlight;
    for (const mp of this.remaining.values()) remainingMp += mp;
    remainingMp = Math.max(0, remainingMp);

    // Below ~50 ms or with nothing done yet, any rate would be noise.
    const megapixelsPerSecond = doneMp > 0 && elapsedSeconds >= 0.05 ? doneMp / elapsedSeconds : null;
    const etaSeconds = remainingMp === 0 ? 0 : megapixelsPerSecond ? remainingMp / megapixelsPerSecond : null;
    return { megapixelsPerSecond, etaSeconds, elapsedSeconds };
  }
}
