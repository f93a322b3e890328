import { SrError } from '../../errors.ts';

interface Waiter {
  amount: number;
  grant: () => void;
}

/**
 * A counted resource handed out first come, first served: a pipeline stage's places, or the batch's budget of pixels
 * in flight. A request larger than the whole capacity is granted once nothing else holds any (so one huge photo still
 * runs, alone); a later small request never overtakes an earlier large one, so files keep their order and a large one
 * is not starved.
 */
export class Slots {
  private used = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`capacity must be > 0, got ${capacity}`);
  }

  /** Waits for `amount` (default 1). A cancelled wait rejects with CANCELLED and takes nothing. */
  acquire(amount = 1, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.queue.length === 0 && this.fits(amount)) {
      this.used += amount;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        // The head may have been the one blocking the next: let those behind it try.
        this.grantWaiting();
        reject(cancelled());
      };
      const waiter: Waiter = {
        amount,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  release(amount = 1): void {
    this.used = Math.max(0, this.used - amount);
    this.grantWaiting();
  }

  /** Amount held now (for tests and the bench). */
  get inUse(): number {
    return this.used;
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.capacity;
  }

  private grantWaiting(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0].amount)) {
      const next = this.queue.shift() as Waiter;
      this.used += next.amount;
      next.grant();
    }
  }
}

function cancelled(): SrError {
  return new SrError('CANCELLED', 'Upscaling was cancelled');
}
