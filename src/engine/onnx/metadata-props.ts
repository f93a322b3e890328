// The reader and writer alone (protobufjs/minimal): reading a model's metadata needs no schema, and every batch does it.
import protobuf from 'protobufjs/minimal.js';

// ModelProto field numbers (official onnx.proto): graph = 7, metadata_props = 14; StringStringEntryProto key = 1, value = 2.
const GRAPH = 7;
const METADATA_PROPS = 14;
export const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Sets one metadata_props entry of an ONNX model without re-encoding the model. Decoding and re-encoding through
 * our schema subset would drop fields it does not list (external data, sub-graphs, training info…) and would write
 * defaulted attribute fields that ONNX Runtime then rejects; copying the other top-level fields byte for byte keeps
 * any foreign model exactly as it was.
 */
export function setMetadataProp(model: Uint8Array, key: string, value: string): Uint8Array {
  const kept: Uint8Array[] = [];
  for (const f of topLevelFields(wholeModel(model))) {
    const isEntry = f.field === METADATA_PROPS && f.wireType === WIRE_LENGTH_DELIMITED;
    if (isEntry && entryKey(model.subarray(f.valueStart, f.end)) === key) continue;
    kept.push(model.subarray(f.start, f.end));
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
 * Some of a model file's bytes at their offsets: all of them, or only its head and tail (a large model's graph, between
 * them, left unread). Asking for bytes outside throws {@link OutsideWindow}.
 */
export interface ModelWindow {
  /** The whole file's length. */
  size: number;
  slice(start: number, end: number): Uint8Array;
}

/** The bytes asked for are not in the window: the caller reads the whole file instead. */
export class OutsideWindow extends Error {}

/** A window that holds the whole model. */
export function wholeModel(model: Uint8Array): ModelWindow {
  return { size: model.length, slice: (start, end) => model.subarray(start, end) };
}

/**
 * A model's metadata_props, read from its top-level fields alone: the graph (nearly all of the file) is skipped by its
 * length, never decoded nor even read when the window leaves it out. `hasGraph`: the model has a non-empty graph field.
 * Throws on bytes that are not protobuf, and {@link OutsideWindow} when a field other than the graph is not in the
 * window.
 */
export function readMetadataProps(model: Uint8Array | ModelWindow): { entries: { key: string; value: string }[]; hasGraph: boolean } {
  const window = model instanceof Uint8Array ? wholeModel(model) : model;
  const entries: { key: string; value: string }[] = [];
  let hasGraph = false;
  for (const f of topLevelFields(window)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (f.field === METADATA_PROPS) entries.push(readEntry(window.slice(f.valueStart, f.end)));
    else if (f.field === GRAPH) hasGraph ||= f.end > f.valueStart;
  }
  return { entries, hasGraph };
}

/** One top-level field of a message (a ModelProto here): number, wire type, where it starts and ends, where its value starts. */
export interface TopLevelField {
  field: number;
  wireType: number;
  start: number;
  valueStart: number;
  end: number;
}

/**
 * The model's top-level fields in file order, each found by its tag and skipped by its length, never decoded: only the
 * tags and lengths are read from the window. Throws on bytes that are not protobuf, and {@link OutsideWindow} when a
 * tag or length is not in the window.
 */
export function* topLevelFields(window: ModelWindow): Generator<TopLevelField> {
  let pos = 0;
  while (pos < window.size) {
    const start = pos;
    const tag = varintAt(window, pos);
    const field = tag.value >>> 3;
    const wireType = tag.value & 7;
    let valueStart = tag.end;
    if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = varintAt(window, tag.end);
      valueStart = length.end;
      pos = length.end + length.value;
      if (pos > window.size) throw new Error(`field ${field} runs past the end of the file (truncated?)`);
    } else if (wireType === WIRE_VARINT) {
      pos = varintEnd(window, tag.end);
    } else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      pos = tag.end + (wireType === WIRE_FIXED64 ? 8 : 4);
      if (pos > window.size) throw new Error('the last field runs past the end of the file (truncated?)');
    } else {
      throw new Error(`invalid wire type ${wireType} at offset ${tag.end - 1}`);
    }
    yield { field, wireType, start, valueStart, end: pos };
  }
}

/** A base-128 varint at `pos` (a tag or a length, so at most 32 bits), and where it ends. */
function varintAt(window: ModelWindow, pos: number): { value: number; end: number } {
  const end = varintEnd(window, pos);
  const bytes = window.slice(pos, end);
  if (bytes.length > 5) throw new Error(`a tag or length at offset ${pos} is too large`);
  let value = 0;
  for (const [i, byte] of bytes.entries()) value += (byte & 0x7f) * 2 ** (7 * i);
  if (value > 0xffffffff) throw new Error(`a tag or length at offset ${pos} is too large`);
  return { value, end };
}

/** Where the varint at `pos` ends (protobuf allows 10 bytes). */
function varintEnd(window: ModelWindow, pos: number): number {
  for (let i = 0; i < 10 && pos + i < window.size; i++) {
    if ((window.slice(pos + i, pos + i + 1)[0] & 0x80) === 0) return pos + i + 1;
  }
  throw new Error(`truncated or malformed varint at offset ${pos}`);
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
