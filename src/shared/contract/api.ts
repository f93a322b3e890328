import type { EventName, EventPayload } from './events.ts';
import type { Method, ParamsOf, ResultOf } from './requests/index.ts';

type NamespaceOf<M extends string> = M extends `${infer N}.${string}` ? N : never;
type VerbOf<M extends string, N extends string> = M extends `${N}.${infer V}` ? V : never;

export interface CallOptions {
  signal?: AbortSignal;
}

/** `srs.models.list({})`, `srs.system.info({})`: one typed function per request, grouped by namespace. */
export type Verbs = {
  [N in NamespaceOf<Method>]: {
    [V in VerbOf<Method, N>]: `${N}.${V}` extends infer M extends Method
      ? (params: ParamsOf<M>, options?: CallOptions) => Promise<ResultOf<M>>
      : never;
  };
};

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * What the UI talks to. The Electron preload bridge and the WebSocket bridge both implement it, so nothing in the
 * renderer knows which one it has.
 */
export interface SrsClient extends Verbs {
  readonly transport: 'electron' | 'web';
  readonly contractVersion: number;
  call<M extends Method>(method: M, params: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, listener: Listener<E>, options?: { signal?: AbortSignal }): () => void;
  /** A URL the page can put in `<img src>` for an image file the engine produced or the user picked. */
  imageUrl(path: string): string;
  /** A folder chosen by the user: a native picker in Electron, a server-side browser limited to `--root`s on the web. */
  pickFolder(): Promise<string | null>;
  pickFiles(filters?: { name: string; extensions: string[] }[]): Promise<string[]>;
  revealInFolder(path: string): Promise<void>;
}

/** Builds the namespaced verbs from one generic `call`, so both bridges share the exact same shape. */
export function buildVerbs(
  methods: readonly Method[],
  call: (method: Method, params: unknown, options?: CallOptions) => Promise<unknown>,
): Verbs {
  const verbs: Record<string, Record<string, (params: unknown, options?: CallOptions) => Promise<unknown>>> = {};
  for (const method of methods) {
    const [namespace, verb] = method.split('.') as [string, string];
    verbs[namespace] ??= {};
    verbs[namespace][verb] = (params, options) => call(method, params, options);
  }
  return verbs as unknown as Verbs;
}
