import { onDestroy } from 'svelte';

/**
 * A signal aborted when the calling component is destroyed: state classes take it to unsubscribe from engine
 * events and drop requests still in flight. Call it during component initialisation, as `onDestroy` requires.
 */
export function componentLifetime(): AbortSignal {
  const controller = new AbortController();
  onDestroy(() => controller.abort());
  return controller.signal;
}
