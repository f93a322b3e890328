import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { readModelMeta, readModelMetaFile } from '../../../src/engine/models/model-meta-io.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { decodeModel, encodeModel } from '../../../src/engine/onnx/proto.ts';
import { MODEL_META_KEY } from '../../../src/shared/model-meta.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { tinyModelBytes, tinyModelMeta } from '../../helpers/models-tiny.ts';

describe('model metadata in metadata_props', () => {
  it('round-trips through withModelMeta/readModelMeta and keeps other metadata and the graph', () => {
    const bytes = tinyModelBytes('y-lr', { withMeta: false });
    const model = decodeModel(bytes);
    model.metadataProps.push({ key: 'author', value: 'someone' });
    const meta = { ...tinyModelMeta('y-lr'), id: 'renamed', scores: { 'set5-x2': { psnr: 36.1, ssim: 0.95 } } };
    const written = withModelMeta(encodeModel(model), meta);
    expect(readModelMeta(written)).toEqual(meta);
    const again = decodeModel(written);
    expect(again.metadataProps.find((p) => p.key === 'author')?.value).toBe('someone');
    expect(again.graph.node.map((n) => n.opType)).toEqual(model.graph.node.map((n) => n.opType));
    // Replacing, not appending: one srstudio entry only.
    const twice = withModelMeta(written, { ...meta, name: 'Second' });
    expect(decodeModel(twice).metadataProps.filter((p) => p.key === MODEL_META_KEY)).toHaveLength(1);
    expect(readModelMeta(twice)?.name).toBe('Second');
  });

  it('keeps a model loadable and every field it does not touch byte for byte, even fields outside our schema', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 1, 'H', 'W']);
    const w = g.initializer(
      'w',
      [1, 1, 3, 3],
      Float32Array.from({ length: 9 }, (_, i) => (i === 4 ? 1 : 0)),
    );
    g.op('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }, 'y');
    g.output('y', [1, 1, 'H', 'W']);
    // Field 30 (global_mutable_initializer_name) is not in our schema subset: a re-encode would drop it.
    const foreign = protobuf.Writer.create()
      .uint32((30 << 3) | 2)
      .string('kept-as-is')
      .finish();
    const original = Uint8Array.from([...g.toModel(), ...foreign]);

    const written = withModelMeta(original, tinyModelMeta('y-lr'));
    expect(readModelMeta(written)?.id).toBe(tinyModelMeta('y-lr').id);
    expect(Buffer.from(written).includes(Buffer.from(foreign))).toBe(true);
    const session = await ort.InferenceSession.create(written);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('returns undefined for a model without SR Studio metadata', () => {
    expect(readModelMeta(tinyModelBytes('rgb-lr', { withMeta: false }))).toBeUndefined();
  });

  it('rejects invalid metadata with BAD_MODEL naming the field', () => {
    const model = decodeModel(tinyModelBytes('y-lr', { withMeta: false }));
    model.metadataProps.push({ key: MODEL_META_KEY, value: JSON.stringify({ ...tinyModelMeta('y-lr'), scale: 2.5 }) });
    let error: unknown;
    try {
      readModelMeta(encodeModel(model), '/models/x.onnx');
    } catch (e) {
      error = e;
    }
    expect(isSrError(error) && error.code).toBe('BAD_MODEL');
    expect((error as Error).message).toContain('scale');
    expect((error as Error).message).toContain('/models/x.onnx');
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => readModelMeta(new TextEncoder().encode('definitely not protobuf \u0000\u00ff'), 'junk.onnx')).toThrow(
      /junk\.onnx is not a readable ONNX model/,
    );
  });
});

describe('model metadata read from a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('srs-meta-file-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * A model file whose graph field claims `graphBytes` bytes, written as a hole (a sparse file: it takes no disk),
   * with the SR Studio metadata after it, where exporters and `withModelMeta` put it.
   */
  function modelAroundAHole(name: string, graphBytes: number, before: Uint8Array = new Uint8Array()): string {
    const head = protobuf.Writer.create()
      .uint32((1 << 3) | 0)
      .uint64(8)
      .finish();
    const graphTag = protobuf.Writer.create()
      .uint32((7 << 3) | 2)
      .uint32(graphBytes)
      .finish();
    const entry = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string(MODEL_META_KEY)
      .uint32((2 << 3) | 2)
      .string(JSON.stringify(tinyModelMeta('y-lr')))
      .finish();
    const tail = protobuf.Writer.create()
      .uint32((14 << 3) | 2)
      .bytes(entry)
      .finish();
    const file = path.join(dir, name);
    const fd = fs.openSync(file, 'w');
    let offset = 0;
    for (const part of [head, before, graphTag]) offset += fs.writeSync(fd, part, 0, part.length, offset);
    fs.writeSync(fd, tail, 0, tail.length, offset + graphBytes);
    fs.closeSync(fd);
    return file;
  }

  it('reads the metadata of a model too large to read whole, without reading its graph', async () => {
    // 3 GiB: over Node's 2 GiB limit on reading a file into one buffer, so only reading its two ends can succeed.
    const file = modelAroundAHole('huge.onnx', 3 * 1024 ** 3);
    await expect(fs.promises.readFile(file)).rejects.toThrow(/2 GiB|greater than/i);
    expect(await readModelMetaFile(file)).toEqual(tinyModelMeta('y-lr'));
  });

  it('reads a file whole when a field before the graph does not fit in the part read from its head', async () => {
    const docString = protobuf.Writer.create()
      .uint32((6 << 3) | 2)
      .string('d'.repeat(100_000))
      .finish();
    const file = modelAroundAHole('long-doc.onnx', 200_000, docString);
    expect(await readModelMetaFile(file)).toEqual(tinyModelMeta('y-lr'));
  });

  it('gives the same answer as the bytes for small models, with or without metadata', async () => {
    const withMeta = path.join(dir, 'small.onnx');
    const foreign = path.join(dir, 'foreign.onnx');
    fs.writeFileSync(withMeta, tinyModelBytes('y-lr'));
    fs.writeFileSync(foreign, tinyModelBytes('rgb-lr', { withMeta: false }));
    expect(await readModelMetaFile(withMeta)).toEqual(readModelMeta(fs.readFileSync(withMeta)));
    expect(await readModelMetaFile(foreign)).toBeUndefined();
  });

  it('says a large model cut short is truncated, and a missing file is not found', async () => {
    const whole = modelAroundAHole('cut.onnx', 1_000_000);
    fs.truncateSync(whole, 500_000);
    await expect(readModelMetaFile(whole)).rejects.toThrow(/cut\.onnx is not a readable ONNX model: .*truncated/);
    const missing = readModelMetaFile(path.join(dir, 'missing.onnx'));
    await expect(missing).rejects.toSatisfy((error: unknown) => isSrError(error) && error.code === 'NOT_FOUND');
  });
});
