import type { WireError } from './errors.ts';
import type { EventName, EventPayload } from './events.ts';
import type { Method, ParamsOf, ResultOf } from './requests/index.ts';

/**
 * IPC channel names shared by src/main and src/preload only. The page never sees them: it gets `window.srs`.
 */
export const IPC = {
  call: 'srs:call',
  cancel: 'srs:cancel',
  event: 'srs:event',
  pickFolder: 'srs:pick-folder',
  pickFiles: 'srs:pick-files',
  reveal: 'srs:reveal',
} as const;

/** Errors lose their fields crossing contextBridge, so the Electron bridge resolves with an outcome instead of throwing. */
export type Outcome<T> = { ok: true; result: T } | { ok: false; error: WireError };

type NamespaceOf<M extends string> = M extends `${infer N}.${string}` ? N : never;
type VerbOf<M extends string, N extends string> = M extends `${N}.${infer V}` ? V : never;

export interface BridgeCallOptions {
  /** Lets the page cancel the call later with `srs.cancel(requestId)` (an AbortSignal cannot cross contextBridge). */
  requestId?: string;
}

export type BridgeVerbs = {
  [N in NamespaceOf<Method>]: {
    [V in VerbOf<Method, N>]: `${N}.${V}` extends infer M extends Method
      ? (params: ParamsOf<M>, options?: BridgeCallOptions) => Promise<Outcome<ResultOf<M>>>
      : never;
  };
};

type Capitalize1<S extends string> = S extends `${infer H}${infer T}` ? `${Uppercase<H>}${T}` : S;
type CamelEvent<E extends string> = E extends `${infer A}.${infer B}` ? `${Capitalize1<A>}${Capitalize1<B>}` : Capitalize1<E>;

/** `srs.onJobProgress(listener)`, `srs.onEngineState(listener)`, …: each returns its unsubscribe function. */
export type BridgeSubscriptions = {
  [E in EventName as `on${CamelEvent<E>}`]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/** `window.srs` in the Electron renderer: the only thing the preload exposes. */
export type ElectronBridge = BridgeVerbs &
  BridgeSubscriptions & {
    readonly contractVersion: number;
    cancel(requestId: string): void;
    pickFolder(): Promise<string | null>;
    pickFiles(filters?: { name: string; extensions: string[] }[]): Promise<string[]>;
    revealInFolder(path: string): Promise<void>;
    imageUrl(path: string): string;
  };

export function subscriptionName(event: EventName): string {
  return `on${event
    .split('.')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')}`;
}

export const IMAGE_SCHEME = 'srs-image';
export const APP_SCHEME = 'app';

export function electronImageUrl(path: string): string {
  return `${IMAGE_SCHEME}://local/?path=${encodeURIComponent(path)}`;
}
