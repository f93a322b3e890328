import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { DataType, type DataTypeCode, decodeModel, decodeModelAsWritten, encodeModel } from '../../../src/engine/onnx/proto.ts';

const FLOAT16 = 10 as DataTypeCode;

/** A 16→8 3×3 Conv whose input, weights and output are of `type` (16-bit raw words), at `opset`. */
function conv16(type: DataTypeCode, opset: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', ['N', 16, 'H', 'W'], type);
  g.op(
    'Conv',
    [x, g.initializer('w', [8, 16, 3, 3], new Uint16Array(8 * 16 * 9) as unknown as Int32Array)],
    { pads: [1, 1, 1, 1] },
    'output',
  );
  g.output('output', ['N', 8, 'H', 'W'], type);
  const model = decodeModelAsWritten(g.toModel());
  model.graph.initializer[0] = { ...model.graph.initializer[0], dataType: type };
  return encodeModel({ ...model, opsetImport: [{ domain: '', version: opset }] });
}

// formats.ts says why `--format bf16` is refused; these keep that statement true for the bundled runtime.
describe('why bf16 is not offered (ONNX Runtime 1.30, CPU provider)', () => {
  it('has no bfloat16 convolution: a bfloat16 Conv does not load', async () => {
    const error = await ort.InferenceSession.create(conv16(DataType.BFLOAT16, 22), { executionProviders: ['cpu'] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/Could not find an implementation for Conv/);
  });

  it('runs a float16 Conv as float32 between two Casts', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'srs-fp16-')), 'optimised.onnx');
    await ort.InferenceSession.create(conv16(FLOAT16, 17), { executionProviders: ['cpu'], optimizedModelFilePath: file });
    const ops = decodeModel(fs.readFileSync(file)).graph.node.map((n) => n.opType);
    expect(ops[0]).toBe('Cast');
    expect(ops.at(-1)).toBe('Cast');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
