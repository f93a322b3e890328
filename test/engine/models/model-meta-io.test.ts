import { describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { readModelMeta, withModelMeta } from '../../../src/engine/models/model-meta-io.ts';
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
