import type { EventPayload, SrsClient } from '../../../../shared/contract/index.ts';

/** The engine's health as the shell shows it; a crash shows up here and clears itself when the engine is back. */
export class EngineStatus {
  state = $state<EventPayload<'engine.state'>['state'] | 'unknown'>('unknown');
  message = $state<string | null>(null);
  restarts = $state(0);

  constructor(client: SrsClient, signal: AbortSignal) {
    client.on(
      'engine.state',
      (event) => {
        this.state = event.state;
        this.message = event.message ?? null;
        this.restarts = event.restarts;
      },
      { signal },
    );
  }
}
