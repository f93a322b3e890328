import type { WebSocket } from 'ws';
import { EventOutbox } from '../engine-host/event-outbox.ts';
import type { EngineSupervisor } from '../engine-host/supervisor.ts';
import { toWireError } from '../engine-host/wire-error.ts';
import {
  ClientMessage,
  CONTRACT_VERSION,
  describeIssues,
  type EventName,
  type EventPayload,
  type HostMessage,
  isMethod,
  RequestId,
} from '../shared/contract/index.ts';

function sendJson(socket: WebSocket, message: HostMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== socket.OPEN) return reject(new Error('socket closed'));
    socket.send(JSON.stringify(message), (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * One browser tab's WebSocket, speaking the same envelopes as the engine host. Requests go to the shared supervisor;
 * events fan out through a per-socket outbox, so a slow tab gets coalesced progress instead of an ever-growing buffer.
 */
export function relaySocket(socket: WebSocket, supervisor: EngineSupervisor): void {
  const inFlight = new Map<string, AbortController>();
  const outbox = new EventOutbox((name, payload) => sendJson(socket, { type: 'event', name, payload }), { maxInFlight: 16 });
  const reply = (message: HostMessage) => void sendJson(socket, message).catch(() => {});

  reply({ type: 'hello', contractVersion: CONTRACT_VERSION, pid: supervisor.pid ?? 0 });
  outbox.emit('engine.state', supervisor.stateEvent);
  const unsubscribe = supervisor.onEvent((name: EventName, payload: unknown) => outbox.emit(name, payload as EventPayload<EventName>));

  socket.on('message', (data, isBinary) => {
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(data.toString());
    } catch {
      reply({ type: 'protocol-error', error: { code: 'BAD_REQUEST', message: 'Messages must be JSON text.' } });
      return;
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const id = RequestId.safeParse((raw as { id?: unknown } | null)?.id);
      const error = {
        code: 'BAD_REQUEST' as const,
        message: 'The message does not follow the contract.',
        issues: describeIssues(parsed.error, ''),
      };
      reply(id.success ? { type: 'response', id: id.data, ok: false, error } : { type: 'protocol-error', error });
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      inFlight.get(message.id)?.abort();
      return;
    }
    const { id, method, params } = message;
    if (inFlight.has(id)) {
      reply({ type: 'response', id, ok: false, error: { code: 'BAD_REQUEST', message: `Request id ${id} is already in flight.` } });
      return;
    }
    if (!isMethod(method)) {
      reply({ type: 'response', id, ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown request "${method}".` } });
      return;
    }
    const controller = new AbortController();
    inFlight.set(id, controller);
    supervisor
      .requestUnchecked(method, params, { signal: controller.signal })
      .then(
        (result) => reply({ type: 'response', id, ok: true, result }),
        (error: unknown) => reply({ type: 'response', id, ok: false, error: toWireError(error, controller.signal) }),
      )
      .finally(() => inFlight.delete(id));
  });

  // ws closes the socket itself (1009 for oversized frames); the error only needs to be observed, not rethrown.
  socket.on('error', () => {});

  socket.on('close', () => {
    unsubscribe();
    for (const controller of inFlight.values()) controller.abort();
    outbox.dispose();
  });
}
