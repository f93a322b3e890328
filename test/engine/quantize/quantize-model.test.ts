import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, randomSplit } from '../../../src/engine/datasets/index.ts';
import { SrError } from '../../../src/engine/errors.ts';
import type { DecodedPhoto } from '../../../src/engine/imaging/image.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { listModels, loadModel } from '../../../src/engine/models/registry.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { decodeModel, decodeModelAsWritten, encodeModel, type NodeProto } from '../../../src/engine/onnx/proto.ts';
import { type QuantizeResult, quantizeModel } from '../../../src/engine/quantize/quantize-model.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { MODEL_META_KEY, withinQualityBudget } from '../../../src/shared/model-meta.ts';
import { photoFolder, writeExportedModel } from '../../helpers/models-exported.ts';
import { decodedPhotoLike, psnr, tempDir } from '../../helpers/models-photo.ts';
import { tinyModelMeta, writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let store: Store;
let photos: string;
let srcnnPath: string;
let fsrcnnPath: string;
let srcnn: QuantizeResult;
let fsrcnn: QuantizeResult;
let photo: DecodedPhoto;

const dirs = () => ({ stateDir: path.join(dir, 'state') });

beforeAll(async () => {
  dir = tempDir('srs-quantize-');
  store = openStore(path.join(dir, 'state'));
  photos = await photoFolder(path.join(dir, 'photos'), 4, 144);
  // A 9-5-5-like SRCNN and an FSRCNN with the trainer's exporter: same padding, PReLUs, deconvolution, bicubic skip.
  srcnnPath = await writeExportedModel(path.join(dir, 'float'), 'srcnn-5-3-3-same-res-n16-8', 2, 'tiny-srcnn-x2');
  fsrcnnPath = await writeExportedModel(path.join(dir, 'float'), 'fsrcnn-16-8-1-res', 3, 'tiny-fsrcnn-x3');
  srcnn = await quantizeModel(srcnnPath, dirs(), store, { calibrate: photos });
  fsrcnn = await quantizeModel(fsrcnnPath, dirs(), store, { calibrate: photos });
  photo = await decodedPhotoLike(dir, 61, 47);
}, 120_000);

afterAll(async () => {
  await releaseSessions();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The nodes ONNX Runtime's CPU provider actually runs for a model, after its graph optimisations. */
async function optimisedNodes(file: string): Promise<NodeProto[]> {
  const optimised = path.join(dir, `${path.basename(file)}.optimised.onnx`);
  await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    optimizedModelFilePath: optimised,
  });
  return decodeModel(fs.readFileSync(optimised)).graph.node;
}

/**
 * The phase form's crop reads only its input's shape: no DequantizeLinear of a whole activation may run just to feed
 * a Shape (one did, where the phase form reads a quantised ReLU output: half of FSRCNN ×3's int8 time).
 */
function expectNoDequantiseForShape(nodes: NodeProto[]): void {
  const shapes = nodes.filter((n) => n.opType === 'Shape');
  expect(shapes.length).toBeGreaterThan(0);
  for (const shape of shapes) expect(nodes.find((n) => n.output.includes(shape.input[0]))?.opType).not.toBe('DequantizeLinear');
}

async function optimisedOps(file: string): Promise<string[]> {
  return (await optimisedNodes(file)).map((n) => n.opType);
}

/** A model file's graph without its metadata, to compare what two quantisations computed. */
function graphBytes(file: string): Uint8Array {
  return encodeModel({ ...decodeModelAsWritten(fs.readFileSync(file)), metadataProps: [] });
}

describe('srstudio models quantize (int8)', () => {
  it('makes a new model with its own id and its lineage: parent, calibration, both scores', async () => {
    const { model, quantizedFrom } = srcnn;
    expect(model.meta.id).toBe('tiny-srcnn-x2-int8');
    expect(model.source).toBe('user');
    expect(model.path).toBe(path.join(dir, 'state', 'models', 'tiny-srcnn-x2-int8.onnx'));
    expect(quantizedFrom).toMatchObject({ id: 'tiny-srcnn-x2', format: 'int8', calibration: photos, photos: 4, patches: 256 });
    // Both scored on the same photos: real protocol PSNRs, the int8 one close to its parent's.
    expect(quantizedFrom.parentPsnr).toBeGreaterThan(15);
    expect(Math.abs(quantizedFrom.parentPsnr - quantizedFrom.psnr)).toBeLessThan(0.5);
    expect(withinQualityBudget(quantizedFrom)).toBe(quantizedFrom.parentPsnr - quantizedFrom.psnr <= 0.1);
    // The registry lists it with its lineage, read back from the file.
    const listed = (await listModels(dirs())).find((m) => m.meta.id === 'tiny-srcnn-x2-int8');
    expect(listed?.meta.quantizedFrom).toEqual(quantizedFrom);
    expect(listed?.meta.scale).toBe(2);
    expect(listed?.meta.inputKind).toBe('upsampled');
  });

  it('runs in int8: ONNX Runtime fuses every quantised convolution into a QLinearConv', async () => {
    expect(srcnn.layers.map((l) => [l.name, l.precision, l.phaseBlock])).toEqual([
      ['conv_1', 'int8', 0],
      ['conv_3', 'int8', 2],
      ['conv_5', 'int8', 4],
    ]);
    const nodes = await optimisedNodes(srcnn.model.path);
    const ops = nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(3);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(0);
    expectNoDequantiseForShape(nodes);
  });

  it('FSRCNN: the deconvolution runs in int8 in phase form; the bicubic skip stays float', async () => {
    const byName = new Map(fsrcnn.layers.map((l) => [l.name, l]));
    const deconv = fsrcnn.layers.find((l) => l.op === 'ConvTranspose');
    expect(deconv).toMatchObject({ precision: 'int8', shape: '16→1 9×9 /3' });
    expect(deconv?.phaseBlock).toBeGreaterThan(0);
    const floats = fsrcnn.layers.filter((l) => l.precision === 'float32');
    expect(floats.map((l) => l.shape)).toEqual(['1→9 5×5']);
    expect(floats[0].reason).toMatch(/linear path from the input to the output/);
    expect(byName.size).toBe(fsrcnn.layers.length);
    const ops = await optimisedOps(fsrcnn.model.path);
    expect(ops).not.toContain('ConvTranspose');
    // feature, shrink, map, expand, and the deconvolution's phase form; the bicubic skip is the one float Conv.
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(5);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(1);
    expect(fsrcnn.model.meta.quantizedFrom?.floatLayers).toHaveLength(1);
  });

  it('FSRCNN with ReLU (the bundled form): every activation folds into its QLinearConv, none runs apart', async () => {
    // 16 channels wide throughout: narrower layers take the phase form, whose DepthToSpace sits between the
    // convolution and its ReLU, and there the ReLU runs apart.
    const reluPath = await writeExportedModel(path.join(dir, 'float'), 'fsrcnn-16-16-1-res-relu', 2, 'tiny-fsrcnn-relu-x2');
    const relu = await quantizeModel(reluPath, dirs(), store, { calibrate: photos });
    expect(relu.layers.filter((l) => l.precision === 'int8')).toHaveLength(5);
    const nodes = await optimisedNodes(relu.model.path);
    const ops = nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'QLinearConv')).toHaveLength(5);
    // The PReLU model above keeps each activation between a DequantizeLinear and a QuantizeLinear; here none is left.
    expect(ops.filter((op) => op === 'Relu' || op === 'PRelu')).toEqual([]);
    expectNoDequantiseForShape(nodes);
    expect((await optimisedOps(fsrcnn.model.path)).filter((op) => op === 'PRelu')).toHaveLength(4);
  });

  it('upscales close to its parent, and byte-identically on every run, in fresh sessions too', async () => {
    for (const [result, parentPath] of [
      [srcnn, srcnnPath],
      [fsrcnn, fsrcnnPath],
    ] as const) {
      const parent = await loadModel(parentPath, dirs());
      const first = await upscalePhoto(photo, { model: result.model, device: 'cpu', tile: 24 });
      await releaseSessions();
      const second = await upscalePhoto(photo, { model: result.model, device: 'cpu', tile: 24 });
      expect(Buffer.from(second.data).equals(Buffer.from(first.data)), result.model.meta.id).toBe(true);
      const reference = await upscalePhoto(photo, { model: parent, device: 'cpu', tile: 24 });
      expect(psnr(first, reference), result.model.meta.id).toBeGreaterThan(38);
    }
  });

  it('tiles meet without seams: any tile size gives the same photo', async () => {
    for (const model of [srcnn.model, fsrcnn.model]) {
      const whole = await upscalePhoto(photo, { model, device: 'cpu', tile: 10_000 });
      for (const tile of [13, 32]) {
        const tiled = await upscalePhoto(photo, { model, device: 'cpu', tile });
        expect(Buffer.from(tiled.data).equals(Buffer.from(whole.data)), `${model.meta.id}, tile ${tile}`).toBe(true);
      }
    }
  });

  it('is deterministic: the same model and photos give the same int8 graph', async () => {
    const again = await quantizeModel(srcnnPath, dirs(), store, { calibrate: photos, id: 'tiny-srcnn-x2-int8-again' });
    expect(Buffer.from(graphBytes(again.model.path)).equals(Buffer.from(graphBytes(srcnn.model.path)))).toBe(true);
    expect(again.quantizedFrom.psnr).toBe(srcnn.quantizedFrom.psnr);
  });

  it('keeps the all-int8 model, flagged, when no mix of layers meets the budget', async () => {
    const notices: string[] = [];
    const progress: string[] = [];
    const flagged = await quantizeModel(srcnnPath, dirs(), store, {
      calibrate: photos,
      id: 'tiny-srcnn-x2-strict',
      budgetDb: -1,
      onNotice: (m) => notices.push(m),
      onProgress: (m) => progress.push(m),
    });
    // It measured each int8 layer alone, then tried putting them back in float32 one by one.
    expect(progress.filter((m) => m.startsWith('Measuring what int8 costs in'))).toHaveLength(3);
    expect(progress.some((m) => m.startsWith('Scoring with conv_'))).toBe(true);
    expect(notices.join('\n')).toMatch(/no mix of int8 layers stays within -1 dB of tiny-srcnn-x2/);
    expect(flagged.layers.filter((l) => l.precision === 'int8')).toHaveLength(3);
  });
});

describe('what models quantize refuses', () => {
  const refusal = async (ref: string, options: Parameters<typeof quantizeModel>[3] = {}) => {
    const error = await quantizeModel(ref, dirs(), store, { calibrate: photos, ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SrError);
    return error as SrError;
  };

  it('bf16, with the measured reason', async () => {
    const error = await refusal(srcnnPath, { format: 'bf16' });
    expect(error.message).toMatch(/bf16 quantisation is not offered.*no bfloat16 convolution/);
    expect(error.hint).toMatch(/--format int8/);
    expect((await refusal(srcnnPath, { format: 'int4' })).message).toMatch(/Unknown --format "int4"/);
  });

  it('a quantised model, an RGB model, and a model with nothing to quantise', async () => {
    expect((await refusal(srcnn.model.path)).message).toMatch(/quantised already \(from tiny-srcnn-x2\)/);
    const rgb = await writeTinyModel(path.join(dir, 'float'), 'rgb-upsampled');
    expect((await refusal(rgb)).message).toMatch(/works on RGB/);
    // One 1×1 convolution from the input to the output: a linear path, which stays exact.
    const identity = await writeTinyModel(path.join(dir, 'float'), 'y-identity');
    const error = await refusal(identity, { id: 'identity-int8' });
    expect(error.code).toBe('BAD_MODEL');
    expect(error.message).toMatch(/no convolution that can run in int8 \(conv_1: a linear path/);
  });

  it('an id that is taken, photos too small for a patch, a folder without photos', async () => {
    expect((await refusal(srcnnPath)).message).toMatch(/A model with id "tiny-srcnn-x2-int8" already exists/);
    expect((await refusal(srcnnPath, { id: 'Not An Id' })).message).toBe('"Not An Id" is not a valid model id');
    const small = await photoFolder(path.join(dir, 'small'), 2, 32);
    const tooSmall = await refusal(srcnnPath, { calibrate: small, id: 'small-int8' });
    expect(tooSmall.code).toBe('TOO_SMALL');
    expect(tooSmall.hint).toMatch(/at least \d+ pixels/);
    fs.mkdirSync(path.join(dir, 'empty'));
    expect((await refusal(srcnnPath, { calibrate: path.join(dir, 'empty'), id: 'empty-int8' })).code).toBe('NO_IMAGES');
  });

  it('without --calibrate: the newest data set with a validation split, else an error that says what to pass', async () => {
    const none = await refusal(srcnnPath, { calibrate: undefined, id: 'default-calibration-int8' });
    expect(none.code).toBe('NO_IMAGES');
    expect(none.message).toBe('No photos to calibrate the int8 model on');
    expect(none.hint).toMatch(/--calibrate DIR/);

    const { dataset } = await createDataset(store, 'my photos', [photos]);
    randomSplit(store, dataset.id, { valFraction: 0.5, seed: 1 });
    const made = await quantizeModel(srcnnPath, dirs(), store, { id: 'default-calibration-int8' });
    expect(made.model.meta.quantizedFrom).toMatchObject({ calibration: `dataset:${dataset.id} (validation split)`, photos: 2 });
  });

  it('custom operators, naming them', async () => {
    const g = new GraphBuilder();
    const x = g.input('input', ['N', 1, 'H', 'W']);
    const w = g.initializer('w', [4, 1, 3, 3], new Float32Array(36).fill(0.1));
    const h = g.op('Conv', [x, w], { pads: [1, 1, 1, 1] });
    g.op('Conv', [h, g.initializer('w2', [1, 4, 3, 3], new Float32Array(36).fill(0.1))], { pads: [1, 1, 1, 1] }, 'output');
    g.output('output', ['N', 1, 'H', 'W']);
    const model = decodeModelAsWritten(
      g.toModel({ [MODEL_META_KEY]: JSON.stringify(tinyModelMeta('y-upsampled-same', { id: 'custom' })) }),
    );
    model.graph.node[0] = { ...model.graph.node[0], domain: 'com.example', opType: 'FancyConv' };
    const file = path.join(dir, 'float', 'custom.onnx');
    fs.writeFileSync(file, encodeModel(model));
    const loaded: LoadedModel = { meta: tinyModelMeta('y-upsampled-same', { id: 'custom' }), path: file, source: 'file' };
    const error = await refusal(loaded.path);
    expect(error.message).toMatch(/custom operators \(com\.example\.FancyConv\)/);
  });
});
