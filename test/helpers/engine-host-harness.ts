import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forkSpawner } from '../../src/engine-host/engine-process.ts';
import type { EngineState } from '../../src/engine-host/supervisor.ts';
import { EngineSupervisor } from '../../src/engine-host/supervisor.ts';

export interface Harness {
  supervisor: EngineSupervisor;
  stateDir: string;
  dispose(): Promise<void>;
}

/**
 * A real engine host with its own temp state folder and diagnostics on: the TypeScript entry through tsx, or
 * `entry` (the built out/main/engine-host.js, run by plain Node). `env` e.g. SRSTUDIO_RESOURCES, for bundled-model fixtures.
 */
export async function startEngine(options: { initialBackoffMs?: number; entry?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Harness> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-host-'));
  const supervisor = new EngineSupervisor({
    spawn: forkSpawner({ stateDir, diagnostics: true, entry: options.entry, env: options.env }),
    initialBackoffMs: options.initialBackoffMs ?? 50,
  });
  await supervisor.start();
  return {
    supervisor,
    stateDir,
    async dispose() {
      await supervisor.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function waitForState(supervisor: EngineSupervisor, state: EngineState, timeoutMs = 20_000): Promise<void> {
  if (supervisor.engineState === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`engine did not reach ${state} within ${timeoutMs} ms (now ${supervisor.engineState})`));
    }, timeoutMs);
    const off = supervisor.on('engine.state', (event) => {
      if (event.state === state) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}
