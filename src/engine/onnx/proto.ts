import protobuf from 'protobufjs';
import { ONNX_SCHEMA } from './schema.ts';
import type { TensorProto } from './tensor-proto.ts';

export { DataType, type DataTypeCode, type TensorProto } from './tensor-proto.ts';

export type AttributeValue = number | string | number[] | TensorProto;

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  name?: string;
  opType: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

export interface Dim {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: Dim[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsetImport: { domain: string; version: number }[];
  graph: GraphProto;
  metadataProps: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

/** Parsed on first use, not at import: the engine host and CLI import this module long before (if ever) they need it. */
function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_SCHEMA, { keepCase: false }).root.lookupType('onnx.ModelProto');
  return modelType;
}

export function encodeModel(model: ModelProto): Uint8Array {
  const ModelType = onnxModelType();
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

/** Decodes any ONNX file; int64 fields come back as plain numbers. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const ModelType = onnxModelType();
  const message = ModelType.decode(bytes);
  return ModelType.toObject(message, { longs: Number, defaults: true, arrays: true }) as ModelProto;
}

/**
 * Decodes only the fields present in the file, so that `encodeModel` writes the model back as it was. (`decodeModel`
 * fills in defaults, and re-encoding those would give every attribute empty fields of every type, which ONNX Runtime
 * rejects.) For models SR Studio wrote itself: our schema subset would drop fields that foreign models may use.
 */
export function decodeModelAsWritten(bytes: Uint8Array): ModelProto {
  const ModelType = onnxModelType();
  return ModelType.toObject(ModelType.decode(bytes), { longs: Number, defaults: false, arrays: true }) as ModelProto;
}
