import {
  buildVerbs,
  type CallOptions,
  CONTRACT_VERSION,
  ContractError,
  type ElectronBridge,
  type EventName,
  type Listener,
  METHODS,
  type Method,
  type Outcome,
  type SrsClient,
  subscriptionName,
} from '../../../../shared/contract/index.ts';

let nextRequest = 1;

/** The SrsClient over the preload's `window.srs`: outcomes become ContractErrors, AbortSignals become cancel calls. */
export function electronClient(bridge: ElectronBridge): SrsClient {
  if (bridge.contractVersion !== CONTRACT_VERSION) {
    throw new ContractError({
      code: 'VERSION_MISMATCH',
      message: `The app shell speaks contract v${bridge.contractVersion}, this UI v${CONTRACT_VERSION}.`,
    });
  }
  const groups = bridge as unknown as Record<
    string,
    Record<string, (params: unknown, options?: { requestId?: string }) => Promise<Outcome<unknown>>>
  >;

  const call = async (method: Method, params: unknown, options: CallOptions = {}): Promise<unknown> => {
    const [namespace, verb] = method.split('.') as [string, string];
    const requestId = `e${nextRequest++}`;
    const onAbort = () => bridge.cancel(requestId);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await groups[namespace][verb](params, { requestId });
      if (!outcome.ok) throw new ContractError(outcome.error);
      return outcome.result;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  };

  const subscriptions = bridge as unknown as Record<string, (listener: (payload: unknown) => void) => () => void>;
  return {
    ...buildVerbs(METHODS, call),
    transport: 'electron',
    contractVersion: CONTRACT_VERSION,
    call: call as SrsClient['call'],
    on<E extends EventName>(name: E, listener: Listener<E>, options: { signal?: AbortSignal } = {}) {
      const off = subscriptions[subscriptionName(name)]((payload) => listener(payload as Parameters<Listener<E>>[0]));
      options.signal?.addEventListener('abort', off, { once: true });
      return off;
    },
    imageUrl: (path) => bridge.imageUrl(path),
    pickFolder: () => bridge.pickFolder(),
    pickFiles: (filters) => bridge.pickFiles(filters),
    revealInFolder: (path) => bridge.revealInFolder(path),
  };
}
