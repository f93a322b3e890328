import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashBytes } from '../../../src/engine/hash-file.ts';
import { useGraphCache } from '../../../src/engine/models/graph-cache.ts';
import { decodeModelAsWritten, encodeModel } from '../../../src/engine/onnx/proto.ts';
import { cachedPhotoGraph } from '../../../src/engine/upscale/photo-graph-cache.ts';
import { PHOTO_GRAPH_VERSION } from '../../../src/engine/upscale/photo-graph-spec.ts';
import { ycbcrPhotoGraph } from '../../../src/engine/upscale/ycbcr-graph.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { tinyModelBytes } from '../../helpers/models-tiny.ts';

const UNIT = { lo: 0, hi: 1 };
let dir: string;
let state: string;
beforeAll(() => {
  dir = tempDir('srs-photo-graph-cache-');
  state = path.join(dir, 'state');
});
afterEach(() => {
  useGraphCache(undefined);
  fs.rmSync(state, { recursive: true, force: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const folder = () => path.join(state, 'cache', 'photo-graphs');
const entries = () => (fs.existsSync(folder()) ? fs.readdirSync(folder()).sort() : []);

describe('PHOTO_GRAPH_VERSION', () => {
  it('goes with the graphs ycbcrPhotoGraph builds: a change to them needs a new version (the cache keys on it)', () => {
    const upsampled = ycbcrPhotoGraph(tinyModelBytes('y-upsampled-same', { scale: 2 }), 2, UNIT, 'upsampled');
    const lr = ycbcrPhotoGraph(tinyModelBytes('y-lr', { scale: 3 }), 3, UNIT, 'lr');
    // If this fails after a change to ycbcr-graph.ts: raise PHOTO_GRAPH_VERSION, then record the new hashes here.
    expect({ version: PHOTO_GRAPH_VERSION, upsampled: upsampled && hashBytes(upsampled), lr: lr && hashBytes(lr) }).toEqual({
      version: 2,
      upsampled: '21c9bf2d0a9fe10e0c65915429cc7fb014e3c0f0a9b67827b1b434290fbb8947',
      lr: '2d4d1db387a74b408bf44c75e64194d62f1b249ffb5898064bc7572a5ce3ea63',
    });
  });
});

describe('the photo graph cache', () => {
  const model = tinyModelBytes('y-lr', { scale: 3 });
  const built = ycbcrPhotoGraph(model, 3, UNIT, 'lr') as Uint8Array;
  /** A model file, as the cache reads them. */
  const modelFile = (name: string, bytes: Uint8Array): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  let modelPath: string;
  beforeAll(() => {
    modelPath = modelFile('y-lr.onnx', model);
  });

  it('keeps a built graph with its hash, and gives back what it keeps from then on', async () => {
    useGraphCache(state);
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(built);
    const [graphFile, hashFile] = entries();
    expect(hashFile).toBe(`${graphFile}.sha256`);
    expect(fs.readFileSync(path.join(folder(), graphFile))).toEqual(Buffer.from(built));

    // What the next run gets is the kept entry, not a new build: one replaced together with its hash is what comes back.
    const stand = Buffer.from('a graph kept by an earlier run');
    fs.writeFileSync(path.join(folder(), graphFile), stand);
    fs.writeFileSync(path.join(folder(), hashFile), hashBytes(stand));
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(stand);
  });

  it('keys entries by the model bytes and the graph parameters', async () => {
    useGraphCache(state);
    await cachedPhotoGraph(modelPath, 3, UNIT, 'lr');
    expect(await cachedPhotoGraph(modelPath, 3, { lo: 0, hi: 255 }, 'lr')).toEqual(ycbcrPhotoGraph(model, 3, { lo: 0, hi: 255 }, 'lr'));
    const other = tinyModelBytes('y-lr', { scale: 3, seed: 2 });
    expect(await cachedPhotoGraph(modelFile('other.onnx', other), 3, UNIT, 'lr')).toEqual(ycbcrPhotoGraph(other, 3, UNIT, 'lr'));
    expect(entries()).toHaveLength(6);
  });

  it('builds again over an entry that does not match its hash, or has none, and rewrites it', async () => {
    useGraphCache(state);
    await cachedPhotoGraph(modelPath, 3, UNIT, 'lr');
    const [graphFile, hashFile] = entries();
    fs.writeFileSync(path.join(folder(), graphFile), Buffer.from(built).subarray(0, 100)); // a torn write
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(built);
    expect(fs.readFileSync(path.join(folder(), graphFile))).toEqual(Buffer.from(built));
    fs.rmSync(path.join(folder(), hashFile));
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(built);
    expect(entries()).toEqual([graphFile, hashFile]);
  });

  it('remembers a model that has no photo graph (one SR Studio did not write)', async () => {
    useGraphCache(state);
    const foreign = decodeModelAsWritten(model);
    foreign.producerName = 'pytorch';
    const foreignPath = modelFile('foreign.onnx', encodeModel(foreign));
    expect(await cachedPhotoGraph(foreignPath, 3, UNIT, 'lr')).toBeUndefined();
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatch(/\.onnx\.none$/);
    expect(await cachedPhotoGraph(foreignPath, 3, UNIT, 'lr')).toBeUndefined();
  });

  it('builds without keeping anything while the caches are off, or where the state cannot be written', async () => {
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(built);
    expect(fs.existsSync(path.join(state, 'cache'))).toBe(false);
    fs.mkdirSync(path.dirname(state), { recursive: true });
    fs.writeFileSync(state, 'a file where the state folder should be');
    useGraphCache(state);
    expect(await cachedPhotoGraph(modelPath, 3, UNIT, 'lr')).toEqual(built);
    fs.rmSync(state);
  });
});
