import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { electronImageUrl, IPC, subscriptionName } from '../shared/contract/electron-bridge.ts';
import { EVENT_NAMES, type EventName } from '../shared/contract/events.ts';
import { METHODS, type Method } from '../shared/contract/requests/index.ts';
import { CONTRACT_VERSION } from '../shared/contract/version.ts';

/**
 * The preload exposes exactly one object, `window.srs`, built from the contract: one function per request, one
 * `on…` per event. The page never gets ipcRenderer, channel names, or a generic `invoke(channel, …)`.
 * Main validates every call again (sender, method, params), so this file is convenience, not the security boundary.
 */
type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(IPC.event, (_event: IpcRendererEvent, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`srs: a ${name} listener failed`, error);
    }
  }
});

const api: Record<string, unknown> = {
  contractVersion: CONTRACT_VERSION,
  cancel: (requestId: string) => ipcRenderer.send(IPC.cancel, String(requestId)),
  pickFolder: () => ipcRenderer.invoke(IPC.pickFolder),
  pickFiles: (filters?: unknown) => ipcRenderer.invoke(IPC.pickFiles, filters),
  revealInFolder: (path: string) => ipcRenderer.invoke(IPC.reveal, String(path)),
  imageUrl: (path: string) => electronImageUrl(String(path)),
};

for (const method of METHODS) {
  const [namespace, verb] = method.split('.') as [string, string];
  if (!api[namespace]) api[namespace] = {};
  const group = api[namespace] as Record<string, unknown>;
  group[verb] = (params: unknown, options?: { requestId?: string }) =>
    ipcRenderer.invoke(IPC.call, method satisfies Method, params, options?.requestId);
}

for (const name of EVENT_NAMES) {
  api[subscriptionName(name)] = (listener: Listener) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const set = listeners.get(name) ?? new Set<Listener>();
    listeners.set(name, set);
    set.add(listener);
    return () => set.delete(listener);
  };
}

contextBridge.exposeInMainWorld('srs', api);
