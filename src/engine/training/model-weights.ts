import { DataType, decodeModel } from '../onnx/proto.ts';

/** The float32 initializers of an ONNX model, by name: an exported model's trained weights. */
export function readModelWeights(model: Uint8Array): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const init of decodeModel(model).graph?.initializer ?? []) {
    if (!init.name || init.dataType !== DataType.FLOAT) continue;
    const raw = init.rawData;
    if (raw && raw.byteLength > 0) {
      // Copy: the decoded bytes need not be 4-byte aligned.
      weights.set(init.name, new Float32Array(new Uint8Array(raw).buffer, 0, raw.byteLength / 4));
    } else {
      weights.set(init.name, Float32Array.from(init.floatData ?? []));
    }
  }
  return weights;
}
