// The reader and writer alone (protobufjs/minimal): reading a model's metadata needs no schema, and every batch does it.
import protobuf from 'protobufjs/minimal.js';

// ModelProto field numbers (official onnx.proto): graph = 7, metadata_props = 14; StringStringEntryProto key = 1, value = 2.
const GRAPH = 7;
const METADATA_PROPS = 14;
const WIRE_LENGTH_DELIMITED = 2;

/**
 * Sets one metadata_props entry of an ONNX model without re-encoding the model. Decoding and re-encoding through
 * our schema subset would drop fields it does not list (external data, sub-graphs, training info…) and would write
 * defaulted attribute fields that ONNX Runtime then rejects; copying the other top-level fields byte for byte keeps
 * any foreign model exactly as it was.
 */
export function setMetadataProp(model: Uint8Array, key: string, value: string): Uint8Array {
  const reader = protobuf.Reader.create(model);
  const kept: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === METADATA_PROPS && wireType === WIRE_LENGTH_DELIMITED) {
      const entry = reader.bytes();
      if (entryKey(entry) === key) continue;
    } else {
      reader.skipType(wireType);
    }
    kept.push(model.subarray(start, reader.pos));
  }
  const entry = protobuf.Writer.create()
    .uint32((1 << 3) | WIRE_LENGTH_DELIMITED)
    .string(key)
    .uint32((2 << 3) | WIRE_LENGTH_DELIMITED)
    .string(value)
    .finish();
  const added = protobuf.Writer.create()
    .uint32((METADATA_PROPS << 3) | WIRE_LENGTH_DELIMITED)
    .bytes(entry)
    .finish();
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0) + added.length);
  let offset = 0;
  for (const part of [...kept, added]) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A model's metadata_props, read from its top-level fields alone: the graph (nearly all of the file) is skipped by its
 * length, never decoded. `hasGraph`: the model has a non-empty graph field. Throws on bytes that are not protobuf.
 */
export function readMetadataProps(model: Uint8Array): { entries: { key: string; value: string }[]; hasGraph: boolean } {
  const reader = protobuf.Reader.create(model);
  const entries: { key: string; value: string }[] = [];
  let hasGraph = false;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === METADATA_PROPS && wireType === WIRE_LENGTH_DELIMITED) {
      entries.push(readEntry(reader.bytes()));
    } else if (field === GRAPH && wireType === WIRE_LENGTH_DELIMITED) {
      const length = reader.uint32();
      hasGraph ||= length > 0;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
  }
  return { entries, hasGraph };
}

function readEntry(entry: Uint8Array): { key: string; value: string } {
  const reader = protobuf.Reader.create(entry);
  let key = '';
  let value = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LENGTH_DELIMITED) key = reader.string();
    else if (tag >>> 3 === 2 && (tag & 7) === WIRE_LENGTH_DELIMITED) value = reader.string();
    else reader.skipType(tag & 7);
  }
  return { key, value };
}

function entryKey(entry: Uint8Array): string | undefined {
  const reader = protobuf.Reader.create(entry);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LENGTH_DELIMITED) return reader.string();
    reader.skipType(tag & 7);
  }
  return undefined;
}
