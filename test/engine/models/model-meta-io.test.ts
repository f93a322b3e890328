import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { decodeModel, encodeModel } from '../../../src/engine/onnx/proto.ts';
import { MODEL_META_KEY } from '../../../src/shared/model-meta.ts';
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
