import { DataType, decodeModel } from '../onnx/proto.ts';

/** A float32 initializer: its values and its shape. */
export interface ModelTensor {
  values: Float32Array;
  dims: number[];
}

/** The float32 initializers of an ONNX model, by name, with their shapes: an exported model's trained weights. */
export function readModelTensors(model: Uint8Array): Map<string, ModelTensor> {
  const tensors = new Map<string, ModelTensor>();
  for (const init of decodeModel(model).graph?.initializer ?? []) {
    if (!init.name || init.dataType !== DataType.FLOAT) continue;
    const raw = init.rawData;
    // Copy: the decoded bytes need not be 4-byte aligned.
    const values =
      raw && raw.byteLength > 0
        ? new Float32Array(new Uint8Array(raw).buffer, 0, raw.byteLength / 4)
        : Float32Array.from(init.floatData ?? []);
    tensors.set(init.name, { values, dims: init.dims.map(Number) });
  }
  return tensors;
}

/** The float32 initializers of an ONNX model, by name: an exported model's trained weights. */
export function readModelWeights(model: Uint8Array): Map<string, Float32Array> {
  return new Map([...readModelTensors(model)].map(([name, tensor]) => [name, tensor.values]));
}
