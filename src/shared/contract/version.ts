/**
 * The contract's version. Bump it whenever a request, result or event changes shape, so a renderer built for one
 * engine never silently talks to another: the engine host announces it in its `hello`, and clients refuse a mismatch.
 */
export const CONTRACT_VERSION = 3;

/** The largest JSON message any boundary accepts (IPC, WebSocket). Pixels never travel as JSON, so 1 MiB is generous. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
