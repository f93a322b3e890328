import type { HostMessage } from '../shared/contract/index.ts';

/**
 * How the engine host talks to its parent. The same host runs under `child_process.fork` (srstudio serve, tests) and
 * under Electron's `utilityProcess` (the desktop app); only this adapter knows which.
 */
export interface HostTransport {
  readonly kind: 'fork' | 'utility';
  /** Resolves when the message has left this process (fork) or was queued on the port (utilityProcess). */
  send(message: HostMessage): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the parent goes away: the host should exit rather than linger as an orphan. */
  onDisconnect(listener: () => void): void;
}

/** The shape of Electron's `process.parentPort` in a utility process (kept structural: the host never imports Electron). */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentPortOf(proc: NodeJS.Process): ParentPort | undefined {
  const port = (proc as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  return port && typeof port.postMessage === 'function' ? port : undefined;
}

export function processTransport(proc: NodeJS.Process = process): HostTransport {
  const port = parentPortOf(proc);
  if (port) {
    return {
      kind: 'utility',
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // A utility process is killed with its parent; nothing to watch.
      onDisconnect: () => {},
    };
  }
  const send = proc.send?.bind(proc);
  if (!send) {
    throw new Error('The engine host must be started by child_process.fork or utilityProcess.fork (no IPC channel found).');
  }
  return {
    kind: 'fork',
    send: (message) =>
      new Promise<void>((resolve, reject) => {
        if (!proc.connected) return reject(new Error('IPC channel closed'));
        send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
      }),
    onMessage: (listener) => proc.on('message', listener),
    onDisconnect: (listener) => proc.on('disconnect', listener),
  };
}
