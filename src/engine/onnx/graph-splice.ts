// The reader and writer alone (protobufjs/minimal), as for the metadata (metadata-props.ts): no schema, no reflection.
import protobuf from 'protobufjs/minimal.js';
import { topLevelFields, WIRE_LENGTH_DELIMITED, WIRE_VARINT, wholeModel } from './metadata-props.ts';
import { AttributeType } from './node-proto.ts';
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from './proto.ts';

/**
 * Wraps a model's graph in more nodes without decoding it: the photo graph (upscale/ycbcr-graph.ts) puts a few nodes
 * before and after a model of 100 kB–1 MB. Decoding the model and encoding it again through protobufjs' reflection took
 * 30 ms on the first call of a process (its code generation) and 10–15 ms more to load, on the way to a batch's first
 * photo; here the model's own fields are copied byte for byte and only the new ones are written (official onnx.proto
 * field numbers throughout).
 */

// ModelProto: producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2).
// GraphProto: node = 1, initializer = 5, input = 11, output = 12. TensorProto: dims = 1, data_type = 2, name = 8,
// raw_data = 9. ValueInfoProto: name = 1, type = 2. NodeProto: input = 1, output = 2, name = 3, op_type = 4,
// attribute = 5, domain = 7. AttributeProto: name = 1, i = 3, s = 4, ints = 8, type = 20.
const MODEL = { producerName: 2, graph: 7, opsetImport: 8 } as const;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;

/** What the splice needs to know of a model: its producer, default opset, and its graph's inputs and outputs by name. */
export interface ModelOutline {
  producerName: string;
  /** The version of the default ('' or 'ai.onnx') domain, 0 when absent. */
  opset: number;
  initializers: string[];
  inputs: string[];
  outputs: string[];
}

export interface GraphAdditions {
  /** Nodes before the model's own, and after them. */
  before: NodeProto[];
  after: NodeProto[];
  initializers: TensorProto[];
  /** Graph inputs and outputs (by name) to drop, and the ones to add after the kept ones. */
  dropInputs: string[];
  addInputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}

const text = new TextDecoder();

function fieldsOf(bytes: Uint8Array) {
  return topLevelFields(wholeModel(bytes));
}

/** The first length-delimited field `field` of a message, as text. */
function stringField(message: Uint8Array, field: number): string | undefined {
  for (const f of fieldsOf(message)) {
    if (f.field === field && f.wireType === WIRE_LENGTH_DELIMITED) return text.decode(message.subarray(f.valueStart, f.end));
  }
  return undefined;
}

function varintField(message: Uint8Array, field: number): number | undefined {
  for (const f of fieldsOf(message)) {
    if (f.field === field && f.wireType === WIRE_VARINT) return protobuf.Reader.create(message.subarray(f.valueStart, f.end)).int32();
  }
  return undefined;
}

function graphBytes(model: Uint8Array): Uint8Array | undefined {
  for (const f of fieldsOf(model)) {
    if (f.field === MODEL.graph && f.wireType === WIRE_LENGTH_DELIMITED) return model.subarray(f.valueStart, f.end);
  }
  return undefined;
}

/** The model's outline, read from its fields' tags and names only; undefined when it has no graph. Throws on non-protobuf bytes. */
export function outlineOf(model: Uint8Array): ModelOutline | undefined {
  const graph = graphBytes(model);
  if (!graph) return undefined;
  const outline: ModelOutline = { producerName: '', opset: 0, initializers: [], inputs: [], outputs: [] };
  for (const f of fieldsOf(model)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    const value = model.subarray(f.valueStart, f.end);
    if (f.field === MODEL.producerName) outline.producerName = text.decode(value);
    if (f.field === MODEL.opsetImport && ['', 'ai.onnx'].includes(stringField(value, 1) ?? '')) outline.opset = varintField(value, 2) ?? 0;
  }
  for (const f of fieldsOf(graph)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    const value = graph.subarray(f.valueStart, f.end);
    if (f.field === GRAPH.initializer) outline.initializers.push(stringField(value, 8) ?? '');
    if (f.field === GRAPH.input) outline.inputs.push(stringField(value, 1) ?? '');
    if (f.field === GRAPH.output) outline.outputs.push(stringField(value, 1) ?? '');
  }
  return outline;
}

/** `model` with its graph extended by `additions`; every other byte of the model is its own. */
export function spliceGraph(model: Uint8Array, additions: GraphAdditions): Uint8Array {
  const graph = graphBytes(model);
  if (!graph) throw new Error('the model has no graph');
  const dropped = new Set(additions.dropInputs);
  const written = (write: (w: protobuf.Writer) => void): Uint8Array => {
    const w = protobuf.Writer.create();
    write(w);
    return w.finish();
  };
  const parts: Uint8Array[] = [
    written((w) => {
      for (const n of additions.before) writeMessage(w, GRAPH.node, nodeBytes(n));
    }),
  ];
  for (const f of fieldsOf(graph)) {
    const value = graph.subarray(f.valueStart, f.end);
    if (f.wireType === WIRE_LENGTH_DELIMITED && f.field === GRAPH.output) continue;
    if (f.wireType === WIRE_LENGTH_DELIMITED && f.field === GRAPH.input && dropped.has(stringField(value, 1) ?? '')) continue;
    parts.push(graph.subarray(f.start, f.end));
  }
  parts.push(
    written((w) => {
      for (const n of additions.after) writeMessage(w, GRAPH.node, nodeBytes(n));
      for (const t of additions.initializers) writeMessage(w, GRAPH.initializer, tensorBytes(t));
      for (const v of additions.addInputs) writeMessage(w, GRAPH.input, valueInfoBytes(v));
      for (const v of additions.outputs) writeMessage(w, GRAPH.output, valueInfoBytes(v));
    }),
  );
  const newGraph = Buffer.concat(parts);
  return Buffer.concat(
    [...fieldsOf(model)].flatMap((f) =>
      f.field === MODEL.graph && f.wireType === WIRE_LENGTH_DELIMITED
        ? [written((w) => w.uint32((MODEL.graph << 3) | WIRE_LENGTH_DELIMITED).uint32(newGraph.length)), newGraph]
        : [model.subarray(f.start, f.end)],
    ),
  );
}

/** A length-delimited field: an embedded message, or bytes. */
function writeMessage(w: protobuf.Writer, field: number, bytes: Uint8Array): void {
  w.uint32((field << 3) | WIRE_LENGTH_DELIMITED).bytes(bytes);
}

function writeString(w: protobuf.Writer, field: number, value: string): void {
  w.uint32((field << 3) | WIRE_LENGTH_DELIMITED).string(value);
}

/** A varint field: int64 and int32 values encode alike unless negative, and ONNX's negative ones (Slice ends) are int64. */
function writeVarint(w: protobuf.Writer, field: number, value: number): void {
  w.uint32((field << 3) | WIRE_VARINT).int64(value);
}

function nodeBytes(n: NodeProto): Uint8Array {
  const w = protobuf.Writer.create();
  for (const i of n.input) writeString(w, 1, i);
  for (const o of n.output) writeString(w, 2, o);
  if (n.name) writeString(w, 3, n.name);
  writeString(w, 4, n.opType);
  for (const a of n.attribute ?? []) writeMessage(w, 5, attributeBytes(a));
  if (n.domain) writeString(w, 7, n.domain);
  return w.finish();
}

function attributeBytes(a: AttributeProto): Uint8Array {
  const w = protobuf.Writer.create();
  writeString(w, 1, a.name);
  if (a.type === AttributeType.INT) writeVarint(w, 3, a.i ?? 0);
  else if (a.type === AttributeType.STRING) writeMessage(w, 4, a.s ?? new Uint8Array());
  else if (a.type === AttributeType.INTS) for (const v of a.ints ?? []) writeVarint(w, 8, v);
  else throw new Error(`attribute ${a.name}: type ${a.type} is not written by the splice`);
  writeVarint(w, 20, a.type);
  return w.finish();
}

function tensorBytes(t: TensorProto): Uint8Array {
  if (!t.rawData) throw new Error(`initializer ${t.name}: only raw data is written by the splice`);
  const w = protobuf.Writer.create();
  for (const d of t.dims) writeVarint(w, 1, d);
  writeVarint(w, 2, t.dataType);
  if (t.name) writeString(w, 8, t.name);
  writeMessage(w, 9, t.rawData);
  return w.finish();
}

function valueInfoBytes(v: ValueInfoProto): Uint8Array {
  const shape = protobuf.Writer.create();
  for (const d of v.type.tensorType.shape.dim) {
    const dim = protobuf.Writer.create();
    if (d.dimParam !== undefined) writeString(dim, 2, d.dimParam);
    else writeVarint(dim, 1, d.dimValue ?? 0);
    writeMessage(shape, 1, dim.finish());
  }
  const tensor = protobuf.Writer.create();
  writeVarint(tensor, 1, v.type.tensorType.elemType);
  writeMessage(tensor, 2, shape.finish());
  const type = protobuf.Writer.create();
  writeMessage(type, 1, tensor.finish());
  const w = protobuf.Writer.create();
  writeString(w, 1, v.name);
  writeMessage(w, 2, type.finish());
  return w.finish();
}
