import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbToYcbcr } from '../../../src/engine/imaging/colour.ts';
import type { DecodedPhoto } from '../../../src/engine/imaging/image.ts';
import { imresize } from '../../../src/engine/imaging/matlab-resize.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { decodeModelAsWritten, encodeModel } from '../../../src/engine/onnx/proto.ts';
import { runTiled } from '../../../src/engine/tiling/run-tiled.ts';
import { openModelPass, passTiling } from '../../../src/engine/upscale/model-pass.ts';
import { YCBCR_GRAPH_CROP } from '../../../src/engine/upscale/photo-graph-spec.ts';
import { mirroredPlanesSource, symmetricIndex } from '../../../src/engine/upscale/tile-sources.ts';
import { upscalePhoto } from '../../../src/engine/upscale/upscale-photo.ts';
import { ycbcrPhotoGraph } from '../../../src/engine/upscale/ycbcr-graph.ts';
import { floatSink } from '../../helpers/float-sink.ts';
import { decodedPhotoLike, tempDir } from '../../helpers/models-photo.ts';
import { type TinyModelKind, tinyModelBytes, tinyModelMeta, writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let photo: DecodedPhoto;

beforeAll(async () => {
  dir = tempDir('srs-photo-graph-');
  // Odd sizes: no tile size divides them, and ×3 phases meet the right and bottom borders unevenly.
  photo = await decodedPhotoLike(dir, 53, 38);
});

afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function loaded(kind: TinyModelKind, scale: number): Promise<LoadedModel> {
  return { meta: tinyModelMeta(kind, { scale }), path: await writeTinyModel(dir, kind, { scale }), source: 'file' };
}

/** MATLAB uint8(): round half up, clip. */
function uint8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** The whole photo through the photo graph in one window: LR YCbCr mirrored by the crop. */
async function wholePhotoGraph(graph: Uint8Array, width: number, height: number, scale: number): Promise<Float32Array> {
  const { y, cb, cr } = rgbToYcbcr(photo.image);
  const w = width + 2 * YCBCR_GRAPH_CROP;
  const h = height + 2 * YCBCR_GRAPH_CROP;
  const window = new Float32Array(3 * w * h);
  mirroredPlanesSource([y, cb, cr]).fillWindow(-YCBCR_GRAPH_CROP, -YCBCR_GRAPH_CROP, w, h, window, 0);
  const session = await ort.InferenceSession.create(graph);
  const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', window, [1, 3, h, w]) });
  const out = result[session.outputNames[0]] as ort.Tensor;
  expect(out.dims).toEqual([1, 3, height * scale, width * scale]);
  return out.data as Float32Array;
}

/**
 * The photo graph's photo against the main-thread path's: float32 bicubic in ORT against imresize on this thread
 * may round a value within ~1e-5 of .5 the other way, so a few pixels differ, by a level or two after RGB.
 */
async function expectLikeMainThread(model: LoadedModel, tile: number): Promise<void> {
  const viaGraph = await upscalePhoto(photo, { model, device: 'cpu', tile });
  const viaMainThread = await upscalePhoto(photo, { model, device: 'cpu', tile, photoGraph: false });
  expect([viaGraph.width, viaGraph.height]).toEqual([viaMainThread.width, viaMainThread.height]);
  let differing = 0;
  let worst = 0;
  for (let i = 0; i < viaGraph.data.length; i++) {
    const d = Math.abs(viaGraph.data[i] - viaMainThread.data[i]);
    if (d > 0) differing++;
    worst = Math.max(worst, d);
  }
  expect(worst, model.meta.id).toBeLessThanOrEqual(2);
  expect(differing / viaGraph.data.length, model.meta.id).toBeLessThan(5e-3);
}

describe('the photo graph of a Y upsampled model', () => {
  for (const scale of [2, 3, 4]) {
    it(`×${scale}: its bicubic is MATLAB imresize over the whole photo, borders included`, async () => {
      const { width, height } = photo.image;
      const graph = ycbcrPhotoGraph(tinyModelBytes('y-identity', { scale }), scale, { lo: 0, hi: 1 });
      expect(graph).toBeDefined();
      const out = await wholePhotoGraph(graph as Uint8Array, width, height, scale);
      const outW = width * scale;
      const plane = outW * height * scale;
      const planes = rgbToYcbcr(photo.image);
      const yRef = imresize(planes.y, outW, height * scale).data;
      let yOff = 0;
      let yWorst = 0;
      for (let i = 0; i < plane; i++) {
        // The identity model returns the model input: uint8(bicubic Y) in [0, 1].
        const got = out[i] * 255;
        const want = uint8(yRef[i]);
        yWorst = Math.max(yWorst, Math.abs(got - want));
        if (Math.abs(got - want) > 1e-3) yOff++;
      }
      // float32 against float64 may round a value within ~1e-5 of .5 the other way: a few pixels, by one level.
      expect(yWorst).toBeLessThanOrEqual(1 + 1e-3);
      expect(yOff / plane).toBeLessThan(2e-3);
      for (const [c, ref] of [
        [1, imresize(planes.cb, outW, height * scale).data],
        [2, imresize(planes.cr, outW, height * scale).data],
      ] as const) {
        let worst = 0;
        for (let i = 0; i < plane; i++) worst = Math.max(worst, Math.abs(out[c * plane + i] - ref[i]));
        expect(worst, `channel ${c}`).toBeLessThan(1e-3);
      }
    });
  }

  it('keeps the model in between: its output is the model applied to the rounded bicubic Y', async () => {
    const scale = 3;
    const { width, height } = photo.image;
    const model = tinyModelBytes('y-upsampled-same', { scale });
    const out = await wholePhotoGraph(ycbcrPhotoGraph(model, scale, { lo: 0, hi: 1 }) as Uint8Array, width, height, scale);
    const outW = width * scale;
    const outH = height * scale;
    const input = Float32Array.from(imresize(rgbToYcbcr(photo.image).y, outW, outH).data, (v) => uint8(v) / 255);
    const session = await ort.InferenceSession.create(model);
    const alone = (await session.run({ input: new ort.Tensor('float32', input, [1, 1, outH, outW]) })).output.data as Float32Array;
    let worst = 0;
    let changed = 0;
    for (let i = 0; i < outW * outH; i++) {
      worst = Math.max(worst, Math.abs(out[i] - alone[i]));
      if (Math.abs(input[i] - alone[i]) > 1e-3) changed++;
    }
    // Rare one-level rounding differences of the input (see above) move the output by at most ~1/255.
    expect(worst).toBeLessThan(1.5 / 255);
    // Sanity: the model really changes the image, so the comparison above is not of bicubic with itself.
    expect(changed).toBeGreaterThan(outW * outH * 0.25);
  });

  it('is tiled seamlessly: any tile size gives the whole-photo output within 1e-4', async () => {
    const scale = 3;
    const pass = await openModelPass(await loaded('y-upsampled-same', scale), { device: 'cpu' });
    expect(pass.photoGraph).toBe(true);
    const { width, height } = photo.image;
    const { y, cb, cr } = rgbToYcbcr(photo.image);
    const run = async (tile: number, batch: number) => {
      const sink = floatSink(width * scale, height * scale, 3);
      const source = mirroredPlanesSource([y, cb, cr]);
      await runTiled({ session: pass.session, geometry: pass.geometry, source, sink, ...passTiling(pass, tile), batch });
      expect(sink.writes.every((w) => w === 1)).toBe(true);
      return sink.data;
    };
    const whole = await run(10_000, 1);
    for (const [tile, batch] of [
      [15, 3],
      [40, 2],
      [61, 4],
    ]) {
      const tiled = await run(tile, batch);
      let worst = 0;
      for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i] - tiled[i]));
      expect(worst, `tile ${tile}`).toBeLessThanOrEqual(1e-4);
    }
  });

  it('gives the same photo as the main-thread bicubic path, to within rare one-level roundings', async () => {
    for (const scale of [2, 3]) await expectLikeMainThread(await loaded('y-upsampled-same', scale), 32);
  });

  it('is used only where it is exact and safe', async () => {
    const openAs = async (kind: TinyModelKind, photoGraph?: boolean) =>
      (await openModelPass(await loaded(kind, 2), { device: 'cpu', photoGraph })).photoGraph;
    expect(await openAs('y-upsampled-same')).toBe(true);
    expect(await openAs('y-upsampled-same', false)).toBe(false);
    // Y LR models: the graph does their CbCr bicubic.
    expect(await openAs('y-lr')).toBe(true);
    // A valid-convolution model crops its output; RGB models have no bicubic to move.
    expect(await openAs('y-upsampled-valid')).toBe(false);
    expect(await openAs('rgb-upsampled')).toBe(false);
    expect(await openAs('rgb-lr')).toBe(false);

    const ours = decodeModelAsWritten(tinyModelBytes('y-upsampled-same'));
    const foreign = encodeModel({ ...ours, producerName: 'pytorch' });
    expect(ycbcrPhotoGraph(foreign, 2, { lo: 0, hi: 1 })).toBeUndefined();
    const oldOpset = encodeModel({ ...ours, opsetImport: [{ domain: '', version: 11 }] });
    expect(ycbcrPhotoGraph(oldOpset, 2, { lo: 0, hi: 1 })).toBeUndefined();
    // The re-encoded model itself still runs: decoding as written keeps it valid for ONNX Runtime.
    const again = await openSession(encodeModel(ours), { device: 'cpu' }, 'round-trip');
    expect(again.inputName).toBe('input');
  });
});

describe('the photo graph of a Y LR model (FSRCNN, ESPCN)', () => {
  it('gives the photo of the main-thread path: the same Y, Cb and Cr within rare one-level roundings', async () => {
    for (const scale of [2, 3, 4]) await expectLikeMainThread(await loaded('y-lr', scale), 16);
  });

  it('is tiled seamlessly: any tile size gives the whole-photo output', async () => {
    const model = await loaded('y-lr', 3);
    const whole = await upscalePhoto(photo, { model, device: 'cpu', tile: 10_000 });
    for (const tile of [7, 20, 33]) {
      const tiled = await upscalePhoto(photo, { model, device: 'cpu', tile });
      expect(Buffer.from(tiled.data).equals(Buffer.from(whole.data)), `tile ${tile}`).toBe(true);
    }
  });
});

describe('symmetricIndex', () => {
  it("mirrors as MATLAB's imresize does, edge pixel included, even for tiny images", () => {
    expect([-2, -1, 0, 4, 5, 6].map((i) => symmetricIndex(i, 5))).toEqual([1, 0, 0, 4, 4, 3]);
    expect([-2, -1, 0, 1, 2].map((i) => symmetricIndex(i, 1))).toEqual([0, 0, 0, 0, 0]);
    expect([-3, -2, -1, 2, 3].map((i) => symmetricIndex(i, 2))).toEqual([1, 1, 0, 1, 0]);
  });
});
