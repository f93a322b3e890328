import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { Rng, Stream } from '../../../src/engine/seeded-random.ts';
import { initParams, parseArch } from '../../../src/engine/training/architectures.ts';
import { exportRunModel } from '../../../src/engine/training/export-model.ts';
import { initialOptimizerState } from '../../../src/engine/training/initial-optimizer-state.ts';
import { DEFAULT_CONFIG } from '../../../src/engine/training/train-config.ts';
import { lineageOf, resolveWarmStart, type WarmStart } from '../../../src/engine/training/warm-start.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

const temp = makeTempDir('srstudio-warm-');
afterAll(() => temp.cleanup());
const random = (seed: number) => {
  const rng = Rng.keyed(seed, Stream.init);
  return () => rng.next();
};

/** A run's exported model with seeded weights, as `srstudio train` writes it; `init` makes it a warm-started child. */
function exportModel(file: string, archName: string, scale: number, seconds: number, init: WarmStart | null = null) {
  const arch = parseArch(archName, scale);
  const params = initParams(arch, random(scale * 100 + seconds));
  const config = { ...DEFAULT_CONFIG, arch: archName, scale, data: 'photos', val: null, init };
  exportRunModel(file, arch, params, { runId: 7, config, step: 10, scores: {}, seconds });
  return params;
}

describe('warm starts', () => {
  it('starts an SRCNN ×3 run from a ×2 model with every weight copied and zero Adam moments', async () => {
    const parentFile = path.join(temp.dir, 'x2.onnx');
    const parent = exportModel(parentFile, 'srcnn-9-5-5-same-res', 2, 600);
    const warm = await resolveWarmStart(parentFile, { stateDir: temp.dir });
    expect(warm).toMatchObject({ id: 'run-7-srcnn-9-5-5-same-res-x2', path: parentFile, trainingSeconds: 600, lineage: [] });
    expect(warm.sha256).toMatch(/^[0-9a-f]{64}$/);

    const state = initialOptimizerState(parseArch('srcnn-9-5-5-same-res', 3), 1, null, warm);
    expect(state.fresh).toEqual([]);
    expect([...state.params.keys()]).toEqual([...parent.keys()]);
    for (const [name, values] of parent) {
      expect(state.params.get(name)).toEqual(values);
      expect(state.adamM.get(name)?.every((v) => v === 0)).toBe(true);
      expect(state.adamV.get(name)?.every((v) => v === 0)).toBe(true);
    }
  });

  it('keeps a seeded initialisation for what the parent lacks (ESPCN ×3 from ×2: the sub-pixel layer has 9, not 4, maps)', async () => {
    const parentFile = path.join(temp.dir, 'espcn-x2.onnx');
    const parent = exportModel(parentFile, 'espcn', 2, 60);
    const warm = await resolveWarmStart(parentFile, { stateDir: temp.dir });
    const arch = parseArch('espcn', 3);
    const state = initialOptimizerState(arch, 1, null, warm);
    const seeded = initialOptimizerState(arch, 1, null);
    expect(state.fresh).toEqual(['conv3.w', 'conv3.b']);
    for (const [name, values] of state.params) {
      expect(values).toEqual(state.fresh.includes(name) ? seeded.params.get(name) : parent.get(name));
    }
  });

  it('knows a bundled parent (its card says how it was trained) from a model file of the user', async () => {
    expect(await resolveWarmStart('fsrcnn-x2', { stateDir: temp.dir })).toMatchObject({ id: 'fsrcnn-x2', bundled: true });
    const userFile = path.join(temp.dir, 'mine.onnx');
    exportModel(userFile, 'fsrcnn', 2, 60);
    expect(await resolveWarmStart(userFile, { stateDir: temp.dir })).toMatchObject({ bundled: false, trainingSeconds: 60 });
  });

  it('refuses a parent with none of the weights, and one that changed since the run was created', async () => {
    const fsrcnnFile = path.join(temp.dir, 'fsrcnn.onnx');
    exportModel(fsrcnnFile, 'fsrcnn', 2, 60);
    const fsrcnn = await resolveWarmStart(fsrcnnFile, { stateDir: temp.dir });
    expect(() => initialOptimizerState(parseArch('srcnn-9-5-5', 2), 1, null, fsrcnn)).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining('has none of the weights of srcnn-9-5-5') }),
    );

    const bytes = readFileSync(fsrcnnFile);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(fsrcnnFile, bytes);
    expect(() => initialOptimizerState(parseArch('fsrcnn', 2), 1, null, fsrcnn)).toThrow(
      expect.objectContaining({ code: 'BAD_MODEL', message: expect.stringContaining('has changed since this run was created') }),
    );
    await expect(resolveWarmStart('no-such-model', { stateDir: temp.dir })).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
  });

  it('a child model records its lineage, nearest first, and the training time behind it with its ancestors', async () => {
    const grandparentFile = path.join(temp.dir, 'gp.onnx');
    exportModel(grandparentFile, 'srcnn-9-5-5-same-res', 2, 1000);
    const grandparent = await resolveWarmStart(grandparentFile, { stateDir: temp.dir });
    const parentFile = path.join(temp.dir, 'p.onnx');
    exportModel(parentFile, 'srcnn-9-5-5-same-res', 3, 500, grandparent);
    const parent = await resolveWarmStart(parentFile, { stateDir: temp.dir });
    expect(parent.trainingSeconds).toBe(1500);

    const childFile = path.join(temp.dir, 'c.onnx');
    exportModel(childFile, 'srcnn-9-5-5-same-res', 4, 200, parent);
    const meta = readModelMeta(readFileSync(childFile));
    expect(meta?.trainingSeconds).toBe(1700);
    expect(meta?.lineage).toEqual(lineageOf(parent));
    expect(meta?.lineage?.map((a) => a.trainingSeconds)).toEqual([1500, 1000]);
    expect(meta?.lineage?.map((a) => a.sha256)).toEqual([parent.sha256, grandparent.sha256]);
    expect(meta?.provenance).toContain(`started from model ${parent.id}`);
    // Named by its network once, with its run and where it started (the parent's own name has no "from").
    expect(meta?.name).toBe(`srcnn-9-5-5-same-res ×4 (training run 7, step 10, from ${parent.id})`);
    expect(readModelMeta(readFileSync(grandparentFile))?.name).toBe('srcnn-9-5-5-same-res ×2 (training run 7, step 10)');
  });
});
