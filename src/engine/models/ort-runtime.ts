import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

const load = createRequire(import.meta.url);
let runtime: typeof Ort | undefined;

/**
 * onnxruntime-node, loaded on first use rather than with the engine's modules: a batch runs its model in an inference
 * worker (models/session.ts, openIn: 'worker'), so its main thread never needs the runtime once the model's geometry
 * is known (geometry-cache.ts), and does not pay for loading it (its native library, 30–40 ms).
 */
export function ortRuntime(): typeof Ort {
  runtime ??= load('onnxruntime-node') as typeof Ort;
  return runtime;
}

/** The runtime's version, from its package, without loading it (part of the caches' keys). */
export function ortVersion(): string {
  return (load('onnxruntime-node/package.json') as { version: string }).version;
}
