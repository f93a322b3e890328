import { openStore, type Store } from '../engine/store/store.ts';
import type { EventName, EventPayload } from '../shared/contract/index.ts';
import { EvaluationRunner } from './jobs/evaluation-runner.ts';
import { type Emit, JobQueue } from './jobs/job-queue.ts';
import { TrainingRunner } from './jobs/training-runner.ts';
import { UpscaleRunner } from './jobs/upscale-runner.ts';

/** Engine resources shared by handlers, opened on first use so a host that only answers `system.info` stays cheap. */
export class EngineServices {
  private openedStore: Store | undefined;
  private emitter: Emit = () => {};

  /** Jobs outlive the request that queued them, so their events go to the host's outbox, not to a request. */
  readonly emit: Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => this.emitter(name, payload);
  readonly upscale = new UpscaleRunner(() => this.store, this.emit);
  readonly training = new TrainingRunner(() => this.store, this.emit);
  readonly evaluation = new EvaluationRunner(() => this.store, this.emit);
  /** One engine, one job at a time, in the order they were queued (durable: the queue is the store's jobs table). */
  readonly queue = new JobQueue(() => this.store, { upscale: this.upscale, train: this.training, eval: this.evaluation }, this.emit);

  constructor(readonly stateDir: string) {}

  get store(): Store {
    this.openedStore ??= openStore(this.stateDir);
    return this.openedStore;
  }

  /** The host connects its event outbox here. */
  setEmitter(emit: Emit): void {
    this.emitter = emit;
  }

  /** Stops the running job and waits for it to record how it ended, then closes the store. */
  async close(): Promise<void> {
    await this.queue.shutdown();
    this.openedStore?.close();
    this.openedStore = undefined;
  }
}
