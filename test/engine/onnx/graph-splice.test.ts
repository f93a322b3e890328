import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { outlineOf, spliceGraph } from '../../../src/engine/onnx/graph-splice.ts';
import { intAttr, intsAttr, node, stringAttr } from '../../../src/engine/onnx/node-proto.ts';
import { decodeModelAsWritten, encodeModel, type ValueInfoProto } from '../../../src/engine/onnx/proto.ts';
import { DataType, tensorProto } from '../../../src/engine/onnx/tensor-proto.ts';
import { tinyModelBytes } from '../../helpers/models-tiny.ts';

// The photo graph is spliced into the model's own bytes (onnx/graph-splice.ts) instead of decoded and encoded again
// through protobufjs' reflection: the result must be the very model that the reflection would have made.

const value = (name: string, dims: (number | string)[]): ValueInfoProto => ({
  name,
  type: {
    tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
  },
});

const additions = {
  before: [
    node('Slice', ['new_in', 'starts', 'ends', 'axes'], 'input', [intsAttr('unused_ints', [-2, 0, 3])]),
    node('DepthToSpace', ['x'], 'y', [intAttr('blocksize', 3), stringAttr('mode', 'CRD')]),
  ],
  after: [node('Concat', ['output', 'y'], 'new_out', [intAttr('axis', 1)])],
  initializers: [
    tensorProto('starts', [2], BigInt64Array.of(2n, 2n)),
    tensorProto('ends', [2], BigInt64Array.of(-2n, -2n)),
    tensorProto('weights', [2, 1, 1, 1], Float32Array.of(0.5, -1.25)),
  ],
  dropInputs: ['input'],
  addInputs: [value('new_in', ['N', 3, 'H', 'W'])],
  outputs: [value('new_out', ['N', 3, 16, 'OW'])],
};

describe('spliceGraph', () => {
  it('gives the model that decoding, extending and encoding it again gives', () => {
    const bytes = tinyModelBytes('y-lr', { scale: 2 });
    const model = decodeModelAsWritten(bytes);
    const expected = encodeModel({
      ...model,
      graph: {
        ...model.graph,
        node: [...additions.before, ...model.graph.node, ...additions.after],
        initializer: [...model.graph.initializer, ...additions.initializers],
        input: [...model.graph.input.filter((i) => i.name !== 'input'), ...additions.addInputs],
        output: additions.outputs,
      },
    });
    const spliced = spliceGraph(bytes, additions);
    // Both decoded from plain Uint8Arrays (protobufjs gives Buffers' fields as Buffers).
    expect(decodeModelAsWritten(Uint8Array.from(spliced))).toEqual(decodeModelAsWritten(Uint8Array.from(expected)));
    // Not trivially: the graph did change.
    expect(decodeModelAsWritten(spliced)).not.toEqual(model);
  });

  it('keeps every byte of the model it does not change, fields our schema does not list included', () => {
    const bytes = tinyModelBytes('y-lr', { scale: 2 });
    // A ModelProto field our schema subset leaves out (functions = 25), as a foreign exporter might write.
    const foreign = protobuf.Writer.create()
      .uint32((25 << 3) | 2)
      .bytes(Uint8Array.of(10, 3, 102, 111, 111))
      .finish();
    const spliced = spliceGraph(new Uint8Array([...bytes, ...foreign]), additions);
    expect(Buffer.from(spliced.subarray(spliced.length - foreign.length)).equals(Buffer.from(foreign))).toBe(true);
    const before = outlineOf(bytes);
    expect(outlineOf(spliced)).toEqual({
      producerName: 'sr-studio',
      opset: before?.opset,
      initializers: [...(before?.initializers ?? []), 'starts', 'ends', 'weights'],
      inputs: ['new_in'],
      outputs: ['new_out'],
    });
  });

  it('reads the outline from tags and names alone, and refuses bytes that are not a model', () => {
    expect(outlineOf(tinyModelBytes('y-lr', { scale: 2 }))).toEqual({
      producerName: 'sr-studio',
      opset: 17,
      initializers: ['w', 'b'],
      inputs: ['input'],
      outputs: ['output'],
    });
    expect(() => outlineOf(Uint8Array.of(0xff, 0xff, 0xff))).toThrow();
    expect(outlineOf(new Uint8Array())).toBeUndefined();
  });
});
