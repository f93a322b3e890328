import { MODEL_META_KEY, ModelMeta } from '../../shared/model-meta.ts';
import { setMetadataProp } from '../onnx/metadata-props.ts';
import { decodeModel } from '../onnx/proto.ts';
import { notOnnx } from './model-meta-io.ts';

// Decoding a whole model, and storing SR Studio's metadata in one, need the full ONNX schema (protobufjs with its
// reflection, 0.24 MB bundled): apart from model-meta-io.ts, whose metadata reading every batch does with the reader alone.

/** Returns a copy of the ONNX bytes with `meta` stored under metadata_props[srstudio], replacing any previous value. */
export function withModelMeta(bytes: Uint8Array, meta: ModelMeta, path?: string): Uint8Array {
  const valid = ModelMeta.parse(meta);
  decodeOnnx(bytes, path); // refuses a file that is not an ONNX model, with a clear error
  return setMetadataProp(bytes, MODEL_META_KEY, JSON.stringify(valid));
}

export function decodeOnnx(bytes: Uint8Array, path?: string): ReturnType<typeof decodeModel> {
  try {
    const model = decodeModel(bytes);
    if (!model.graph || model.graph.node.length === 0) throw new Error('it has no graph nodes');
    return model;
  } catch (error) {
    throw notOnnx(error, path);
  }
}
