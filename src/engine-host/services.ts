import { openStore, type Store } from '../engine/store/store.ts';
import { UpscaleRunner } from './jobs/upscale-runner.ts';

/** Engine resources shared by handlers, opened on first use so a host that only answers `system.info` stays cheap. */
export class EngineServices {
  private openedStore: Store | undefined;

  /** One engine, one batch at a time. */
  readonly upscale = new UpscaleRunner(this);

  constructor(readonly stateDir: string) {}

  get store(): Store {
    this.openedStore ??= openStore(this.stateDir);
    return this.openedStore;
  }

  close(): void {
    this.upscale.stop();
    this.openedStore?.close();
    this.openedStore = undefined;
  }
}
