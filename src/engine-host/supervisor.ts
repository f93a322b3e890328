import {
  CONTRACT_VERSION,
  ContractError,
  type EventName,
  type EventPayload,
  HostMessage,
  isEventName,
  type Method,
  type ParamsOf,
  type ResultOf,
  type WireError,
} from '../shared/contract/index.ts';
import type { EngineProcess, EngineSpawner, ExitInfo } from './engine-process.ts';

export type EngineState = EventPayload<'engine.state'>['state'];
type AnyEventListener = (name: EventName, payload: unknown) => void;

export interface SupervisorOptions {
  spawn: EngineSpawner;
  /** First restart delay; doubles after each crash up to `maxBackoffMs`, and resets once the engine stayed up `stableMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  stableMs?: number;
  /** Requests waiting while the engine (re)starts; beyond this they fail with ENGINE_UNAVAILABLE. */
  maxQueued?: number;
  /** An engine that dies this many times in a row before saying hello is broken, not unlucky: stop retrying. */
  maxFailedStarts?: number;
}

interface Pending {
  method: Method;
  resolve: (value: unknown) => void;
  reject: (error: ContractError) => void;
  cleanup: () => void;
}

/**
 * Keeps one engine host alive for a UI (Electron main or srstudio serve). It correlates requests with responses,
 * forwards cancellation, fans events out, and when the host dies it fails the requests in flight with ENGINE_CRASHED,
 * reports jobs that were running as `interrupted`, and restarts the host with exponential backoff.
 */
export class EngineSupervisor {
  private child: EngineProcess | undefined;
  private state: EngineState = 'stopped';
  private restarts = 0;
  private failedStarts = 0;
  private backoffMs: number;
  private startedAt = 0;
  private nextId = 1;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly waitingForReady: Array<() => void> = [];
  private readonly runningJobs = new Map<string, EventPayload<'job.state'>['kind']>();
  private readonly listeners = new Set<AnyEventListener>();
  private readonly options: Required<SupervisorOptions>;

  constructor(options: SupervisorOptions) {
    this.options = { initialBackoffMs: 250, maxBackoffMs: 10_000, stableMs: 30_000, maxQueued: 1000, maxFailedStarts: 5, ...options };
    this.backoffMs = this.options.initialBackoffMs;
  }

  get engineState(): EngineState {
    return this.state;
  }

  /** The current state as an `engine.state` payload, for a UI that connects after the fact. */
  get stateEvent(): EventPayload<'engine.state'> {
    return { state: this.state, pid: this.child?.pid ?? null, restarts: this.restarts };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the host; resolves once it said hello, rejects if it cannot start at all. */
  async start(): Promise<void> {
    if (this.state === 'stopped') {
      this.failedStarts = 0;
      this.launch();
    }
    await this.whenReady();
    if (this.state !== 'ready') {
      throw new ContractError({
        code: 'ENGINE_UNAVAILABLE',
        message: this.lastMessage ?? 'The engine could not start.',
        hint: 'Run with --verbose, or reinstall SR Studio.',
      });
    }
  }

  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    this.setState('stopped');
    child?.kill();
    this.failAll({ code: 'ENGINE_UNAVAILABLE', message: 'The engine was stopped.' });
    for (const wake of this.waitingForReady.splice(0)) wake();
  }

  /** Subscribes to every event (engine and host); returns the unsubscribe function. */
  onEvent(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.onEvent((event, payload) => {
      if (event === name) listener(payload as EventPayload<E>);
    });
  }

  async request<M extends Method>(method: M, params: ParamsOf<M>, options: { signal?: AbortSignal } = {}): Promise<ResultOf<M>> {
    return (await this.requestUnchecked(method, params, options)) as ResultOf<M>;
  }

  /** For relays (IPC, WebSocket) whose params come from outside: the host validates them against the contract. */
  async requestUnchecked(method: Method, params: unknown, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    if (options.signal?.aborted) throw new ContractError({ code: 'CANCELLED', message: 'The request was cancelled.' });
    if (this.state !== 'ready') {
      if (this.state === 'stopped') throw new ContractError({ code: 'ENGINE_UNAVAILABLE', message: 'The engine is not running.' });
      if (this.waitingForReady.length >= this.options.maxQueued) {
        throw new ContractError({
          code: 'ENGINE_UNAVAILABLE',
          message: 'The engine is restarting and too many requests are waiting.',
          hint: 'Try again in a moment.',
        });
      }
      await this.whenReady();
      if ((this.state as EngineState) !== 'ready')
        throw new ContractError({ code: 'ENGINE_UNAVAILABLE', message: 'The engine is not running.' });
    }
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.child?.send({ type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { method, resolve, reject, cleanup: () => options.signal?.removeEventListener('abort', onAbort) });
      this.child?.send({ type: 'request', id, method, params });
    });
  }

  private whenReady(): Promise<void> {
    if (this.state === 'ready' || this.state === 'stopped') return Promise.resolve();
    return new Promise((resolve) => this.waitingForReady.push(resolve));
  }

  private launch(): void {
    this.setState('starting');
    let child: EngineProcess;
    try {
      child = this.options.spawn();
    } catch (error) {
      this.handleExit(undefined, { code: null, signal: null }, error instanceof Error ? error.message : String(error));
      return;
    }
    this.child = child;
    child.onMessage((message) => {
      if (this.child === child) this.receive(message);
    });
    child.onExit((info) => this.handleExit(child, info));
  }

  private receive(raw: unknown): void {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) {
      // A host that breaks the envelope is a bug; fail the request it answered rather than leave it hanging.
      const id = (raw as { id?: unknown } | null)?.id;
      const pending = typeof id === 'string' ? this.pending.get(id) : undefined;
      if (pending && typeof id === 'string') {
        this.pending.delete(id);
        pending.cleanup();
        pending.reject(
          new ContractError({
            code: 'INTERNAL',
            message: `The engine sent an invalid answer to ${pending.method}.`,
            hint: 'This is a bug.',
          }),
        );
      }
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'hello':
        if (message.contractVersion !== CONTRACT_VERSION) {
          this.child?.kill();
          this.child = undefined;
          this.setState('stopped', `The engine speaks contract v${message.contractVersion}, the app v${CONTRACT_VERSION}.`);
          this.failAll({
            code: 'VERSION_MISMATCH',
            message: 'The engine and the app are from different versions.',
            hint: 'Reinstall SR Studio.',
          });
          for (const wake of this.waitingForReady.splice(0)) wake();
          return;
        }
        this.startedAt = Date.now();
        this.setState('ready');
        for (const wake of this.waitingForReady.splice(0)) wake();
        return;
      case 'response': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        pending.cleanup();
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new ContractError(message.error));
        return;
      }
      case 'event':
        if (isEventName(message.name)) this.dispatch(message.name, message.payload);
        return;
      case 'protocol-error':
        this.dispatch('log', { level: 'error', source: 'engine-host', message: message.error.message, at: new Date().toISOString() });
        return;
    }
  }

  private dispatch(name: EventName, payload: unknown): void {
    if (name === 'job.state') {
      const state = payload as EventPayload<'job.state'>;
      if (state.state === 'running') this.runningJobs.set(state.jobId, state.kind);
      else this.runningJobs.delete(state.jobId);
    }
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  private handleExit(child: EngineProcess | undefined, info: ExitInfo, spawnError?: string): void {
    if (child && this.child !== child) return; // an old process we already replaced or stopped
    this.child = undefined;
    if (this.state === 'stopped') return;
    const how = spawnError ?? (info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`);
    this.failedStarts = this.state === 'starting' ? this.failedStarts + 1 : 0;
    this.setState('crashed', `The engine ${how}.`);
    this.failAll({
      code: 'ENGINE_CRASHED',
      message: `The engine stopped unexpectedly (${how}) while working on this request.`,
      hint: 'It is restarting; try again.',
    });
    for (const [jobId, kind] of this.runningJobs) {
      this.dispatch('job.state', {
        jobId,
        kind,
        state: 'interrupted',
        error: { code: 'ENGINE_CRASHED', message: `The engine ${how}.`, hint: 'Resume the job.' },
      });
    }
    this.runningJobs.clear();
    if (this.failedStarts >= this.options.maxFailedStarts) {
      this.setState('stopped', `The engine ${how} ${this.failedStarts} times while starting; giving up.`);
      for (const wake of this.waitingForReady.splice(0)) wake();
      return;
    }
    if (this.startedAt > 0 && Date.now() - this.startedAt > this.options.stableMs) this.backoffMs = this.options.initialBackoffMs;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    this.restarts += 1;
    this.setState('restarting', `Restarting in ${delay} ms.`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'restarting') this.launch();
    }, delay);
  }

  private failAll(error: WireError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) {
      request.cleanup();
      request.reject(new ContractError(error));
    }
  }

  private lastMessage: string | undefined;

  private setState(state: EngineState, message?: string): void {
    this.state = state;
    this.lastMessage = message;
    this.dispatch('engine.state', { state, pid: this.child?.pid ?? null, restarts: this.restarts, ...(message ? { message } : {}) });
  }
}
