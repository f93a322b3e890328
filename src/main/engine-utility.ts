import { utilityProcess } from 'electron';
import type { EngineSpawner } from '../engine-host/engine-process.ts';

/**
 * The desktop app runs the engine host in an Electron utility process (Electron's advice for CPU-heavy, crash-prone
 * work). The host sees `process.parentPort` and picks its transport by itself.
 */
export function utilitySpawner(entry: string, env: Record<string, string>): EngineSpawner {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'SR Studio engine', env: { ...process.env, ...env }, stdio: 'inherit' });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener({ code, signal: null })),
      kill: () => void child.kill(),
    };
  };
}
