// The inference worker: owns one ORT session and runs batches for the tiler (messages: session-worker-protocol.ts).
//
// Plain JavaScript on purpose: a worker thread does not inherit the parent's TypeScript loader, and registering tsx in
// the worker cost 0.3–0.9 s of every batch's start-up on 2 busy cores (its own loader thread, then the transforms).
// This file needs nothing but onnxruntime-node, so it starts as it is, in development and in the built app alike
// (electron-vite bundles it under this same name beside the engine host).
//
// onnxruntime-node executes `session.run` synchronously on the calling JS thread (its promise only defers the call by a
// setImmediate), so on the main thread nothing else could happen during a run. Here, the main thread prepares and
// stitches tiles while this thread sits in ORT. Messages are handled one at a time, in order.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const port = parentPort;
if (!port) throw new Error('session-worker-boot.mjs must run in a worker thread');

/** @type {ort.InferenceSession | undefined} */
let session;
/**
 * The same model with fewer intra-op threads, for the batches a pipeline runs while it decodes or encodes on the cores
 * this leaves free (jobs/pipeline/). Its outputs are the same bytes: ORT splits the work by output, never a sum.
 * @type {ort.InferenceSession | undefined}
 */
let narrowSession;

function messageOf(error) {
  return error?.message ?? String(error);
}

async function open({ model, options, narrowThreads }) {
  try {
    session = await ort.InferenceSession.create(model, options);
    if (narrowThreads !== undefined && narrowThreads < (options.intraOpNumThreads ?? 0)) {
      // The optimised graph (optimizedModelFilePath, the graph cache) is the wide session's to write, once.
      const { optimizedModelFilePath: _written, ...narrow } = options;
      narrowSession = await ort.InferenceSession.create(model, { ...narrow, intraOpNumThreads: narrowThreads });
    }
    port.postMessage({
      type: 'opened',
      narrow: narrowSession !== undefined,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputMetadata: [...session.inputMetadata],
      outputMetadata: [...session.outputMetadata],
    });
  } catch (error) {
    port.postMessage({ type: 'error', id: null, message: messageOf(error) });
  }
}

async function run({ id, input, dims, narrow }) {
  try {
    const chosen = narrow && narrowSession ? narrowSession : session;
    if (!chosen) throw new Error('the inference worker has no open session');
    const result = await chosen.run({ [chosen.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const tensor = result[chosen.outputNames[0]];
    if (tensor.type !== 'float32') throw new Error(`the model's output is ${tensor.type}, not float32`);
    const output = tensor.data;
    const transfer = [input.buffer];
    if (output.buffer !== input.buffer) transfer.push(output.buffer);
    port.postMessage({ type: 'result', id, output, dims: [...tensor.dims], input }, transfer);
  } catch (error) {
    port.postMessage({ type: 'error', id, message: messageOf(error) });
  }
}

/**
 * A one-node model (Identity, float32 [1] → [1], opset 17; written by our GraphBuilder): the first session of a process
 * pays for ONNX Runtime itself (its environment, the CPU kernels' registry), 50–70 ms, after which a real model opens in
 * a fraction of its time. A worker started before its model is known (prestartInferenceWorker) pays it with this one,
 * while its parent is still loading modules and planning, instead of on the way to the batch's first tiles.
 */
const FIRST_SESSION = Buffer.from(
  'CAgSCXNyLXN0dWRpbxoFMC4xLjA6PQoTCgF4EgF5GgF5IghJZGVudGl0eRIEd2FybVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEBE=',
  'base64',
);

// A queue keeps runs strictly in order even though each handler is async; it starts behind the runtime's warm-up (which
// only saves time: if it fails, the real model's opening reports why).
// Its end is announced: the parent holds the process open until then, since a process that exits while ORT is inside
// this opening aborts ("terminate called after throwing an instance of 'Napi::Error'").
let queue = ort.InferenceSession.create(FIRST_SESSION, { logSeverityLevel: 4 })
  .then(
    (first) => first.release(),
    () => {},
  )
  .then(() => port.postMessage({ type: 'warmed' }));
port.on('message', (message) => {
  queue = queue.then(() => (message.type === 'open' ? open(message) : run(message)));
});
