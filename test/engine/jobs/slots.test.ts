import { describe, expect, it } from 'vitest';
import { Slots } from '../../../src/engine/jobs/pipeline/slots.ts';

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('grants in order of request, and a later small request never overtakes an earlier large one', async () => {
    const slots = new Slots(10);
    const granted: string[] = [];
    await slots.acquire(6);
    void slots.acquire(8).then(() => granted.push('large'));
    void slots.acquire(1).then(() => granted.push('small'));
    await settle();
    // 1 would fit beside the 6 held, but the 8 asked first.
    expect(granted).toEqual([]);
    slots.release(6);
    await settle();
    expect(granted).toEqual(['large', 'small']);
    expect(slots.inUse).toBe(9);
  });

  it('lets a request larger than the whole capacity through once nothing else is held', async () => {
    const slots = new Slots(4);
    await slots.acquire(1);
    let huge = false;
    void slots.acquire(100).then(() => {
      huge = true;
    });
    await settle();
    expect(huge).toBe(false);
    slots.release(1);
    await settle();
    expect(huge).toBe(true);
    expect(slots.inUse).toBe(100);
  });

  it('a cancelled wait takes nothing and lets the requests behind it go', async () => {
    const slots = new Slots(2);
    await slots.acquire(2);
    const controller = new AbortController();
    const cancelled = slots.acquire(2, controller.signal);
    let next = false;
    void slots.acquire(1).then(() => {
      next = true;
    });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    slots.release(1);
    await settle();
    expect(next).toBe(true);
    expect(slots.inUse).toBe(2);
    await expect(slots.acquire(1, AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
