import type { ModelMeta } from '../../shared/model-meta.ts';
import { SrError } from '../errors.ts';
import { decodeModelAsWritten, encodeModel, type TensorProto } from '../onnx/proto.ts';
import { identityMappingParam } from '../training/identity-mapping.ts';
import { widenedParam } from '../training/widening.ts';
import { withModelMeta } from './model-bytes.ts';

function floats(tensor: TensorProto): Float32Array | undefined {
  if (tensor.dataType !== 1) return undefined;
  if (tensor.rawData) {
    // A copy (protobufjs may hand out a view into a shared Buffer, whose offset need not be 4-aligned).
    const bytes = new Uint8Array(tensor.rawData.byteLength);
    bytes.set(tensor.rawData);
    return new Float32Array(bytes.buffer);
  }
  if (tensor.floatData) return Float32Array.from(tensor.floatData);
  return undefined;
}

const PARAMETER = /^[A-Za-z0-9_]+\.(w|b|a)$/;

/** θ = s·θ_model + (1 − s)·θ_partner for every float initializer; the graphs must match tensor for tensor. */
export function blendWeights(modelBytes: Uint8Array, partnerBytes: Uint8Array, strength: number, source: string): Uint8Array {
  const model = decodeModelAsWritten(modelBytes);
  const partner = decodeModelAsWritten(partnerBytes);
  const others = new Map((partner.graph.initializer ?? []).map((t) => [t.name, t]));
  const mismatch = (why: string) =>
    new SrError(
      'BAD_MODEL',
      `${source}: cannot blend strengths: ${why}`,
      'Strength needs a photo model and the clean model it was fine-tuned from.',
    );
  for (const tensor of model.graph.initializer ?? []) {
    const own = floats(tensor);
    // Only the trained parameters (`<layer>.w|b|a`, as the exporter names them) blend; the graph's own constants
    // (the in-graph bicubic's kernels) are the same in both and keep the model's names.
    if (!own || !PARAMETER.test(tensor.name ?? '')) continue;
    const other = others.get(tensor.name);
    // A mapping layer the (shallower) clean model lacks is, for it, the identity the deeper model started from, and
    // a narrower layer is the same layer widened with zeros.
    const name = tensor.name ?? '';
    const stored = other ? floats(other) : identityMappingParam(name, tensor.dims);
    if (!stored) throw mismatch(`the clean model has no weight '${tensor.name}'`);
    const theirs =
      other && other.dims.join('x') !== tensor.dims.join('x')
        ? widenedParam(name, { values: stored, dims: other.dims }, tensor.dims, new Float32Array(own.length))
        : stored;
    if (!theirs || theirs.length !== own.length) {
      throw mismatch(`'${tensor.name}' is ${tensor.dims.join('×')} here but ${other?.dims.join('×')} there`);
    }
    const blended = new Float32Array(own.length);
    for (let i = 0; i < own.length; i++) blended[i] = strength * own[i] + (1 - strength) * theirs[i];
    tensor.rawData = new Uint8Array(blended.buffer);
    tensor.floatData = undefined;
  }
  return encodeModel(model);
}

/** The blend of a model and its clean partner at `strength` (blendWeights), with `meta` stored in it, as file bytes. */
export function blendedModel(
  modelBytes: Uint8Array,
  partnerBytes: Uint8Array,
  strength: number,
  source: string,
  meta: ModelMeta,
  file: string,
): Uint8Array {
  return withModelMeta(blendWeights(modelBytes, partnerBytes, strength, source), meta, file);
}
