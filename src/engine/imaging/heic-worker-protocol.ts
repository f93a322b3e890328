/** Messages between heic.ts and the HEIC decoder thread (heic-worker-boot.mjs). */
export type ToHeicWorker = { id: number; bytes: Uint8Array } | { id: number; memory: true };

export type FromHeicWorker =
  | { id: number; width: number; height: number; channels: 3 | 4; data: Uint8Array }
  /** libheif could not decode the file: it is damaged, incomplete or not what it claims. */
  | { id: number; damaged: string }
  /**
   * The decoder itself failed (libheif did not load, or its WebAssembly aborted): not the photo's fault. The thread
   * exits after saying so, and the next photo gets a fresh one.
   */
  | { id: number; broken: string }
  /** libheif's WebAssembly memory, in bytes (0 before it is loaded). */
  | { id: number; memory: number };
