import {
  ClientMessage,
  CONTRACT_VERSION,
  ContractError,
  describeIssues,
  type EventName,
  type EventPayload,
  type HostMessage,
  isMethod,
  MAX_MESSAGE_BYTES,
  type Method,
  RequestId,
  requests,
  type WireError,
} from '../shared/contract/index.ts';
import { EventOutbox, type OutboxOptions } from './event-outbox.ts';
import type { Handler, HandlerContext, HandlerTable } from './handler.ts';
import type { EngineServices } from './services.ts';
import type { HostTransport } from './transport.ts';
import { notImplemented, toWireError } from './wire-error.ts';

export interface EngineHostOptions {
  transport: HostTransport;
  handlers: HandlerTable;
  services: EngineServices;
  diagnostics?: boolean;
  outbox?: OutboxOptions;
}

/**
 * The engine's RPC server. Every incoming message is measured, then checked against the contract; anything wrong is
 * answered with a typed error and the host carries on. Each request gets an AbortController that a `cancel` aborts.
 */
export class EngineHost {
  private readonly inFlight = new Map<string, AbortController>();
  /** The requests being handled, until they have answered. */
  private readonly running = new Set<Promise<void>>();
  private readonly outbox: EventOutbox;

  constructor(private readonly options: EngineHostOptions) {
    this.outbox = new EventOutbox((name, payload) => this.post({ type: 'event', name, payload }), options.outbox);
    options.services.setEmitter((name, payload) => this.outbox.emit(name, payload));
  }

  start(): void {
    this.options.transport.onMessage((message) => this.receive(message));
    void this.post({ type: 'hello', contractVersion: CONTRACT_VERSION, pid: process.pid });
  }

  /**
   * Cancels everything in flight and the running job, and settles once they have stopped and the store is closed: what
   * to wait for before exiting (a process that exits while ONNX Runtime runs in one of its worker threads aborts).
   */
  async stop(): Promise<void> {
    for (const controller of this.inFlight.values()) controller.abort();
    await Promise.allSettled(this.running);
    await this.options.services.close();
    this.outbox.dispose();
  }

  private post(message: HostMessage): Promise<void> {
    return this.options.transport.send(message);
  }

  private respondError(id: string, error: WireError): void {
    void this.post({ type: 'response', id, ok: false, error }).catch(() => {});
  }

  private receive(raw: unknown): void {
    const id = idOf(raw);
    const tooLarge = sizeOf(raw) > MAX_MESSAGE_BYTES;
    if (tooLarge) {
      const error: WireError = {
        code: 'BAD_REQUEST',
        message: `The message is larger than ${MAX_MESSAGE_BYTES} bytes.`,
        hint: 'Send file paths, not file contents.',
      };
      if (id) this.respondError(id, error);
      else void this.post({ type: 'protocol-error', error }).catch(() => {});
      return;
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const error: WireError = {
        code: 'BAD_REQUEST',
        message: 'The message does not follow the contract.',
        issues: describeIssues(parsed.error, ''),
      };
      if (id) this.respondError(id, error);
      else void this.post({ type: 'protocol-error', error }).catch(() => {});
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      this.inFlight.get(message.id)?.abort();
      return;
    }
    if (this.inFlight.has(message.id)) {
      this.respondError(message.id, { code: 'BAD_REQUEST', message: `Request id ${message.id} is already in flight.` });
      return;
    }
    if (!isMethod(message.method)) {
      this.respondError(message.id, {
        code: 'UNKNOWN_METHOD',
        message: `Unknown request "${message.method}".`,
        hint: 'Client and engine may be from different versions.',
      });
      return;
    }
    const handled = this.run(message.id, message.method, message.params);
    this.running.add(handled);
    void handled.finally(() => this.running.delete(handled));
  }

  private async run(id: string, method: Method, rawParams: unknown): Promise<void> {
    const spec = requests[method];
    const params = spec.params.safeParse(rawParams ?? {});
    if (!params.success) {
      this.respondError(id, {
        code: 'BAD_REQUEST',
        message: `Invalid parameters for ${method}.`,
        issues: describeIssues(params.error, 'params'),
      });
      return;
    }
    const controller = new AbortController();
    this.inFlight.set(id, controller);
    const context: HandlerContext = {
      requestId: id,
      signal: controller.signal,
      emit: <E extends EventName>(name: E, payload: EventPayload<E>) => this.outbox.emit(name, payload),
      stateDir: this.options.services.stateDir,
      services: this.options.services,
      diagnostics: this.options.diagnostics === true,
    };
    try {
      const handler = this.options.handlers[method] as Handler<Method> | undefined;
      if (!handler) throw notImplemented(method);
      const result = await handler(params.data as never, context);
      // The result is checked too: a handler that drifts from the contract is a bug we want to see, not a UI surprise.
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        throw new ContractError({
          code: 'INTERNAL',
          message: `The engine produced an invalid result for ${method}.`,
          issues: describeIssues(checked.error, 'result'),
        });
      }
      if (controller.signal.aborted) throw new ContractError({ code: 'CANCELLED', message: 'The request was cancelled.' });
      await this.post({ type: 'response', id, ok: true, result: checked.data });
    } catch (error) {
      this.respondError(id, toWireError(error, controller.signal));
    } finally {
      this.inFlight.delete(id);
    }
  }
}

function idOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const parsed = RequestId.safeParse((raw as { id?: unknown }).id);
  return parsed.success ? parsed.data : undefined;
}

function sizeOf(raw: unknown): number {
  if (typeof raw === 'string') return raw.length;
  try {
    return JSON.stringify(raw)?.length ?? 0;
  } catch {
    // Cycles or BigInts cannot come from JSON IPC; treat them as oversized garbage.
    return Number.POSITIVE_INFINITY;
  }
}
