import { describe, expect, it } from 'vitest';
import { ThroughputMeter } from '../../../src/engine/jobs/throughput-meter.ts';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance(seconds: number): void } {
  let t = 1000;
  return { now: () => t, advance: (s) => (t += s) };
}

describe('ThroughputMeter', () => {
  it('has no rate or ETA before any work is measured', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter(new Map([[1, 4]]), clock.now);
    expect(meter.snapshot()).toEqual({ megapixelsPerSecond: null, etaSeconds: null, elapsedSeconds: 0 });
  });

  it('weights the ETA by the remaining megapixels, not the file count', () => {
    const clock = manualClock();
    // A 1 MP file, then a 9 MP one.
    const meter = new ThroughputMeter(
      new Map([
        [1, 1],
        [2, 9],
      ]),
      clock.now,
    );
    meter.itemStarted(1);
    clock.advance(2);
    meter.itemFinished(1, 1);
    const snap = meter.snapshot();
    expect(snap.megapixelsPerSecond).toBeCloseTo(0.5);
    expect(snap.etaSeconds).toBeCloseTo(18); // 9 MP at 0.5 MP/s
  });

  it('counts the part of the current file already done', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter(new Map([[7, 10]]), clock.now);
    meter.itemStarted(7);
    clock.advance(4);
    meter.itemProgress(7, 0.4);
    const snap = meter.snapshot();
    expect(snap.megapixelsPerSecond).toBeCloseTo(1); // 4 MP in 4 s
    expect(snap.etaSeconds).toBeCloseTo(6);
  });

  it('drops failed items from the remaining work without counting them as throughput', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter(
      new Map([
        [1, 2],
        [2, 2],
        [3, Number.NaN],
      ]),
      clock.now,
    );
    meter.itemStarted(1);
    clock.advance(1);
    meter.itemFinished(1, 2);
    meter.itemStarted(2);
    clock.advance(1);
    meter.itemFinished(2, 0); // failed
    const snap = meter.snapshot();
    expect(snap.megapixelsPerSecond).toBeCloseTo(1);
    // Only the unknown-size item is left, and it weighs nothing.
    expect(snap.etaSeconds).toBe(0);
  });
});
