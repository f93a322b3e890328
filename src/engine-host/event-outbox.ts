import type { EventName, EventPayload } from '../shared/contract/index.ts';

export interface OutboxOptions {
  /** Progress for one job is sent at most once per interval (leading and trailing edge). */
  progressIntervalMs?: number;
  /** Sends not yet confirmed by the transport; above this, events wait (and progress keeps coalescing). */
  maxInFlight?: number;
  /** Queued non-progress events; above this, the oldest `log` events are dropped and counted. */
  maxQueued?: number;
}

type OutEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/**
 * Sends events without letting a fast producer flood a slow consumer:
 * - `job.progress` is coalesced per job: only the latest value is kept between flushes;
 * - a `job.state` first flushes that job's pending progress, so the last progress always precedes the final state;
 * - sends are capped by `maxInFlight` unconfirmed messages (backpressure from the transport);
 * - if the queue still overflows, old `log` events are dropped (never states, metrics or progress) and a warning says how many.
 */
export class EventOutbox {
  private readonly pendingProgress = new Map<string, EventPayload<'job.progress'>>();
  private readonly queue: OutEvent[] = [];
  private inFlight = 0;
  private droppedLogs = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastProgressFlush = 0;
  private readonly progressIntervalMs: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;

  constructor(
    private readonly send: (name: EventName, payload: unknown) => Promise<void>,
    options: OutboxOptions = {},
  ) {
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.maxInFlight = options.maxInFlight ?? 32;
    this.maxQueued = options.maxQueued ?? 2000;
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    if (name === 'job.progress') {
      const progress = payload as EventPayload<'job.progress'>;
      this.pendingProgress.set(progress.jobId, progress);
      this.scheduleProgressFlush();
      return;
    }
    if (name === 'job.state') this.flushProgressOf((payload as EventPayload<'job.state'>).jobId);
    this.queue.push({ name, payload } as OutEvent);
    this.trimLogs();
    this.pump();
  }

  /** Sends everything still pending (used before the host exits and by tests). */
  async drain(): Promise<void> {
    this.flushAllProgress();
    while (this.queue.length > 0 || this.inFlight > 0) {
      this.pump();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleProgressFlush(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastProgressFlush + this.progressIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushAllProgress();
    }, wait);
  }

  private flushAllProgress(): void {
    this.lastProgressFlush = Date.now();
    for (const jobId of [...this.pendingProgress.keys()]) this.flushProgressOf(jobId);
  }

  private flushProgressOf(jobId: string): void {
    const progress = this.pendingProgress.get(jobId);
    if (!progress) return;
    this.pendingProgress.delete(jobId);
    // A progress of the same job still waiting in the queue is stale now: replace it in place.
    const queued = this.queue.findIndex((e) => e.name === 'job.progress' && e.payload.jobId === jobId);
    if (queued >= 0) this.queue[queued] = { name: 'job.progress', payload: progress };
    else this.queue.push({ name: 'job.progress', payload: progress });
    this.pump();
  }

  private trimLogs(): void {
    while (this.queue.length > this.maxQueued) {
      const oldestLog = this.queue.findIndex((e) => e.name === 'log');
      if (oldestLog < 0) break;
      this.queue.splice(oldestLog, 1);
      this.droppedLogs += 1;
    }
  }

  private pump(): void {
    if (this.droppedLogs > 0 && this.inFlight < this.maxInFlight) {
      const dropped = this.droppedLogs;
      this.droppedLogs = 0;
      this.queue.unshift({
        name: 'log',
        payload: {
          level: 'warn',
          source: 'engine-host',
          message: `${dropped} log messages were dropped (the receiver was too slow)`,
          at: new Date().toISOString(),
        },
      });
    }
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.inFlight += 1;
      this.send(next.name, next.payload)
        .catch(() => {
          // The parent is gone; the host exits on disconnect, so there is no one left to tell.
        })
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
