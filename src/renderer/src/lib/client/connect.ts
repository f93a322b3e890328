import type { SrsClient } from '../../../../shared/contract/index.ts';
import { electronClient } from './electron-client.ts';
import { webClient } from './web-client.ts';

export const CLIENT_CONTEXT = Symbol('srs-client');

/** Picks the transport once, at start-up; nothing else in the UI knows which one it got. */
export function connectClient(): SrsClient {
  return window.srs ? electronClient(window.srs) : webClient();
}
