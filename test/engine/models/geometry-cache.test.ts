import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { knownGeometry } from '../../../src/engine/models/geometry-cache.ts';
import { useGraphCache } from '../../../src/engine/models/graph-cache.ts';
import type { LoadedModel } from '../../../src/engine/models/loaded-model.ts';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { inferenceWorker, releaseSessions } from '../../../src/engine/models/session.ts';
import { openModelPass } from '../../../src/engine/upscale/model-pass.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let state: string;
let model: LoadedModel;
beforeAll(async () => {
  dir = tempDir('srs-geometry-cache-');
  state = path.join(dir, 'state');
  // An RGB model: it has no photo graph, so the pass runs the model itself.
  model = await loadModel(await writeTinyModel(dir, 'rgb-lr', { scale: 3, id: 'tiny-geometry' }), { stateDir: state });
});
afterEach(async () => {
  await releaseSessions();
  useGraphCache(undefined);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const entries = () => {
  const folder = path.join(state, 'cache', 'geometry');
  return fs.existsSync(folder) ? fs.readdirSync(folder).map((name) => path.join(folder, name)) : [];
};

describe('the geometry cache', () => {
  it('keeps what a pass measured, and the next pass opens the model in its worker without measuring it again', async () => {
    useGraphCache(state);
    expect(knownGeometry(model.path)).toBeUndefined();
    const first = await openModelPass(model, { device: 'cpu' });
    expect(first.geometry).toEqual({ channels: 3, ratio: 3, crop: 0, maxBatch: 64 });
    expect(entries()).toHaveLength(1);
    expect(knownGeometry(model.path)).toEqual(first.geometry);

    await releaseSessions();
    const next = await openModelPass(model, { device: 'cpu' });
    expect(next.geometry).toEqual(first.geometry);
    // Opened in its worker, which runs it with the same geometry.
    const out = await (await inferenceWorker(next.session))?.run(new Float32Array(3 * 5 * 7).fill(0.5), [1, 3, 5, 7]);
    expect(out?.dims).toEqual([1, 3, 15, 21]);
  });

  it('is read as it stands, except where it contradicts the model’s metadata: that is measured again', async () => {
    useGraphCache(state);
    await openModelPass(model, { device: 'cpu' });
    await releaseSessions();
    const [entry] = entries();
    fs.writeFileSync(entry, JSON.stringify({ channels: 3, ratio: 3, crop: 0, maxBatch: 5 }));
    expect((await openModelPass(model, { device: 'cpu' })).geometry.maxBatch).toBe(5);
    await releaseSessions();
    // Only a measurement may refuse a model: an entry saying ×2 for a ×3 model is replaced, not believed.
    fs.writeFileSync(entry, JSON.stringify({ channels: 3, ratio: 2, crop: 0, maxBatch: 64 }));
    expect((await openModelPass(model, { device: 'cpu' })).geometry).toEqual({ channels: 3, ratio: 3, crop: 0, maxBatch: 64 });
    expect(JSON.parse(fs.readFileSync(entry, 'utf8'))).toEqual({ channels: 3, ratio: 3, crop: 0, maxBatch: 64 });
  });

  it('ignores an entry it cannot read or parse, measures again and writes it again', async () => {
    useGraphCache(state);
    await openModelPass(model, { device: 'cpu' });
    await releaseSessions();
    for (const damaged of ['{"channels": 3, "rat', JSON.stringify({ channels: 2, ratio: 3, crop: 0, maxBatch: 64 }), '']) {
      const [entry] = entries();
      fs.writeFileSync(entry, damaged);
      expect(knownGeometry(model.path)).toBeUndefined();
      expect((await openModelPass(model, { device: 'cpu' })).geometry.ratio).toBe(3);
      expect(JSON.parse(fs.readFileSync(entry, 'utf8'))).toEqual({ channels: 3, ratio: 3, crop: 0, maxBatch: 64 });
      await releaseSessions();
    }
  });

  it('is keyed by the model’s bytes: another file with other weights has its own entry; off, nothing is written', async () => {
    useGraphCache(state);
    const other = await loadModel(await writeTinyModel(path.join(dir, 'other'), 'rgb-lr', { scale: 3, id: 'tiny-geometry', seed: 7 }), {
      stateDir: state,
    });
    await openModelPass(model, { device: 'cpu' });
    const before = entries().length;
    await openModelPass(other, { device: 'cpu' });
    expect(entries()).toHaveLength(before + 1);

    // The same file rewritten in place with other weights (its key is kept per file while the file is unchanged).
    await releaseSessions();
    const rewritten = await writeTinyModel(path.join(dir, 'elsewhere'), 'rgb-lr', { scale: 3, id: 'tiny-geometry', seed: 8 });
    fs.writeFileSync(other.path, fs.readFileSync(rewritten));
    fs.utimesSync(other.path, new Date(), new Date(Date.now() + 5000));
    await openModelPass(other, { device: 'cpu' });
    expect(entries()).toHaveLength(before + 2);

    await releaseSessions();
    useGraphCache(undefined);
    const third = await loadModel(await writeTinyModel(path.join(dir, 'third'), 'rgb-lr', { scale: 3, id: 'tiny-geometry', seed: 9 }), {
      stateDir: state,
    });
    await openModelPass(third, { device: 'cpu' });
    expect(entries()).toHaveLength(before + 2);
  });
});

describe('a Y model met for the first time', () => {
  // Measured on its photo graph in the worker (model-pass.ts), not on a session of the model on this thread.

  it('is measured by its photo graph’s first runs in the worker, and what they found is kept like a measurement', async () => {
    useGraphCache(state);
    const yModel = await loadModel(await writeTinyModel(path.join(dir, 'y'), 'y-lr', { scale: 2, id: 'tiny-y-first' }), {
      stateDir: state,
    });
    expect(knownGeometry(yModel.path)).toBeUndefined();
    const pass = await openModelPass(yModel, { device: 'cpu' });
    expect(pass.photoGraph).toBe(true);
    expect(knownGeometry(yModel.path)).toEqual({ channels: 1, ratio: 2, crop: 0, maxBatch: 64 });
    // The same as measuring the model alone on this thread gives.
    const measured = await openModelPass(yModel, { device: 'cpu', photoGraph: false });
    expect(measured.geometry).toEqual(knownGeometry(yModel.path));
    const out = await (await inferenceWorker(pass.session))?.run(new Float32Array(3 * 9 * 11).fill(0.5), [1, 3, 9, 11]);
    expect(out?.dims).toEqual([1, 3, 10, 14]);
  });

  it('whose runs contradict its metadata is measured the usual way: a cropping model runs alone, a wrong scale is refused', async () => {
    useGraphCache(state);
    // Its metadata says 'upsampled' with no word of a crop, but its valid convolutions lose 3 pixels each side.
    const cropping = await loadModel(
      await writeTinyModel(path.join(dir, 'valid'), 'y-upsampled-valid', { scale: 2, id: 'tiny-valid-first' }),
      {
        stateDir: state,
      },
    );
    const pass = await openModelPass(cropping, { device: 'cpu' });
    expect(pass.photoGraph).toBe(false);
    expect(pass.geometry).toEqual({ channels: 1, ratio: 1, crop: 3, maxBatch: 64 });
    expect(knownGeometry(cropping.path)).toEqual(pass.geometry);

    // A ×2 network whose metadata says ×3.
    const file = await writeTinyModel(path.join(dir, 'liar'), 'y-lr', { scale: 2, id: 'tiny-liar' });
    const meta = (await loadModel(file, { stateDir: state })).meta;
    fs.writeFileSync(file, withModelMeta(fs.readFileSync(file), { ...meta, scale: 3 }, file));
    const liar = await loadModel(file, { stateDir: state });
    await expect(openModelPass(liar, { device: 'cpu' })).rejects.toThrow(
      /says it is a ×3 y 'lr' model, but it maps 1 channel\(s\) to 2× the input size/,
    );
    expect(knownGeometry(liar.path)).toEqual({ channels: 1, ratio: 2, crop: 0, maxBatch: 64 });
  });
});
