import {
  buildVerbs,
  type CallOptions,
  CONTRACT_VERSION,
  ContractError,
  type EventName,
  HostMessage,
  isEventName,
  type Listener,
  METHODS,
  type Method,
  type SrsClient,
} from '../../../../shared/contract/index.ts';
import { folderPicker } from '../state/folder-picker.svelte.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ContractError) => void;
}

/**
 * The SrsClient over `srstudio serve`'s WebSocket. The HttpOnly cookie set by the server authenticates the socket;
 * this code never sees the token. It reconnects with backoff, failing the requests that were in flight.
 */
export function webClient(location: Location = window.location): SrsClient {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const pending = new Map<string, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let ready: Promise<WebSocket> | undefined;
  let nextId = 1;
  let backoff = 250;

  const emit = (name: EventName, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };

  const connect = (): Promise<WebSocket> => {
    ready ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onmessage = (event) => {
        let raw: unknown;
        try {
          raw = JSON.parse(String(event.data));
        } catch {
          return;
        }
        const parsed = HostMessage.safeParse(raw);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'hello') {
          if (message.contractVersion !== CONTRACT_VERSION) {
            reject(
              new ContractError({
                code: 'VERSION_MISMATCH',
                message: 'The server runs a different SR Studio version.',
                hint: 'Reload the page.',
              }),
            );
            ws.close();
            return;
          }
          backoff = 250;
          socket = ws;
          resolve(ws);
        } else if (message.type === 'response') {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          if (message.ok) waiting?.resolve(message.result);
          else waiting?.reject(new ContractError(message.error));
        } else if (message.type === 'event' && isEventName(message.name)) {
          emit(message.name, message.payload);
        }
      };
      ws.onclose = () => {
        socket = undefined;
        ready = undefined;
        reject(
          new ContractError({
            code: 'ENGINE_UNAVAILABLE',
            message: 'Lost the connection to srstudio serve.',
            hint: 'Is it still running?',
          }),
        );
        for (const [id, waiting] of pending) {
          pending.delete(id);
          waiting.reject(new ContractError({ code: 'ENGINE_UNAVAILABLE', message: 'The connection to the server was lost.' }));
        }
        emit('engine.state', { state: 'restarting', pid: null, restarts: 0, message: 'Reconnecting to the server…' });
        setTimeout(() => void connect().catch(() => {}), backoff);
        backoff = Math.min(backoff * 2, 10_000);
      };
    });
    return ready;
  };

  const call = async (method: Method, params: unknown, options: CallOptions = {}): Promise<unknown> => {
    const ws = socket ?? (await connect());
    const id = `w${nextId++}`;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      options.signal?.addEventListener('abort', () => ws.send(JSON.stringify({ type: 'cancel', id })), { once: true });
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  };

  void connect().catch(() => {});
  return {
    ...buildVerbs(METHODS, call),
    transport: 'web',
    contractVersion: CONTRACT_VERSION,
    call: call as SrsClient['call'],
    on<E extends EventName>(name: E, listener: Listener<E>, options: { signal?: AbortSignal } = {}) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const wrapped = (payload: unknown) => listener(payload as Parameters<Listener<E>>[0]);
      set.add(wrapped);
      const off = () => set.delete(wrapped);
      options.signal?.addEventListener('abort', off, { once: true });
      return off;
    },
    imageUrl: (path) => `/api/image?path=${encodeURIComponent(path)}`,
    pickFolder: () => folderPicker.open('folder').then((picked) => picked[0] ?? null),
    pickFiles: () => folderPicker.open('files'),
    // A browser cannot open the server's file manager; the path is shown instead.
    revealInFolder: async (path) => {
      folderPicker.notice = `Saved at ${path}`;
    },
  };
}
