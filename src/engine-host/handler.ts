import type { EventName, EventPayload, Method, ParsedParamsOf, ResultOf } from '../shared/contract/index.ts';
import type { EngineServices } from './services.ts';

export interface HandlerContext {
  readonly requestId: string;
  /** Aborted when the client cancels the request or the host shuts down. */
  readonly signal: AbortSignal;
  readonly emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  readonly stateDir: string;
  readonly services: EngineServices;
  /** `diagnostics.*` requests are answered only when this is on. */
  readonly diagnostics: boolean;
}

export type Handler<M extends Method> = (params: ParsedParamsOf<M>, context: HandlerContext) => Promise<ResultOf<M>>;

/** Requests without a handler are answered with NOT_IMPLEMENTED. */
export type HandlerTable = { [M in Method]?: Handler<M> };
