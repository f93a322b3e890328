import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FromSessionWorker, ToSessionWorker } from './session-worker-protocol.ts';

/**
 * The inference worker: owns one ORT session and runs batches for the tiler. onnxruntime-node executes
 * `session.run` synchronously on the calling JS thread (its promise only defers the call by a setImmediate),
 * so on the main thread nothing else could happen during a run. Here, the main thread prepares and stitches
 * tiles while this thread sits in ORT. Messages are handled one at a time, in order.
 */
const port = parentPort;
if (!port) throw new Error('session-worker.ts must run in a worker thread');

let session: ort.InferenceSession | undefined;

function post(message: FromSessionWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

async function open(message: Extract<ToSessionWorker, { type: 'open' }>): Promise<void> {
  try {
    session =
      typeof message.model === 'string'
        ? await ort.InferenceSession.create(message.model, message.options)
        : await ort.InferenceSession.create(message.model, message.options);
    post({ type: 'opened' });
  } catch (error) {
    post({ type: 'error', id: null, message: messageOf(error) });
  }
}

async function run({ id, input, dims }: Extract<ToSessionWorker, { type: 'run' }>): Promise<void> {
  try {
    if (!session) throw new Error('the inference worker has no open session');
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const tensor = result[session.outputNames[0]] as ort.Tensor;
    if (tensor.type !== 'float32') throw new Error(`the model's output is ${tensor.type}, not float32`);
    const output = tensor.data as Float32Array;
    const transfer = [input.buffer as ArrayBuffer];
    if (output.buffer !== input.buffer) transfer.push(output.buffer as ArrayBuffer);
    post({ type: 'result', id, output, dims: [...tensor.dims], input }, transfer);
  } catch (error) {
    post({ type: 'error', id, message: messageOf(error) });
  }
}

// A queue keeps runs strictly in order even though each handler is async.
let queue = Promise.resolve();
port.on('message', (message: ToSessionWorker) => {
  queue = queue.then(() => (message.type === 'open' ? open(message) : run(message)));
});
