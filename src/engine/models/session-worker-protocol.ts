import type * as ort from 'onnxruntime-node';

/**
 * Messages between the tiler and its inference worker (one worker per cached ORT session). Pixel buffers are
 * transferred, never copied: the input goes to the worker and comes back with the output, so the tiler can
 * fill it again.
 */
export type ToSessionWorker =
  /** `narrowThreads`: also open the model with this many intra-op threads, for runs asked to leave cores free. */
  | { type: 'open'; model: string | Uint8Array; options: ort.InferenceSession.SessionOptions; narrowThreads?: number }
  /** `narrow`: run on the narrow session (when there is one): a batch's pipeline is decoding or encoding beside it. */
  | { type: 'run'; id: number; input: Float32Array; dims: number[]; narrow?: boolean };

/** What the worker's session takes and gives, as its opening reports it (so the caller needs no session of its own). */
export interface SessionSignature {
  inputNames: string[];
  outputNames: string[];
  inputMetadata: ort.InferenceSession.ValueMetadata[];
  outputMetadata: ort.InferenceSession.ValueMetadata[];
}

export type FromSessionWorker =
  /** The runtime is loaded (session-worker-boot.mjs opens a one-node model first): the worker may be stopped. */
  | { type: 'warmed' }
  /** `narrow`: the worker opened a narrow session beside the model's own (`narrowThreads` fewer than its threads). */
  | ({ type: 'opened'; narrow: boolean } & SessionSignature)
  | { type: 'result'; id: number; output: Float32Array; dims: number[]; input: Float32Array }
  /** `id` is null when opening failed. */
  | { type: 'error'; id: number | null; message: string };
