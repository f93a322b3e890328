import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { modelAtStrength, strengthPartner } from '../../../src/engine/models/strength.ts';
import { parseArch } from '../../../src/engine/training/architectures.ts';
import { exportRunModel } from '../../../src/engine/training/export-model.ts';
import { initialOptimizerState } from '../../../src/engine/training/initial-optimizer-state.ts';
import { DEFAULT_CONFIG } from '../../../src/engine/training/train-config.ts';
import { resolveWarmStart } from '../../../src/engine/training/warm-start.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

const temp = makeTempDir('srstudio-deeper-');
afterAll(() => temp.cleanup());

const SHALLOW = 'fsrcnn-8-6-2-res-relu';

async function run(bytes: Uint8Array, input: Float32Array, side: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 1, side, side]) });
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

function exportWith(
  file: string,
  archName: string,
  params: Map<string, Float32Array>,
  init: Awaited<ReturnType<typeof resolveWarmStart>> | null,
) {
  const config = { ...DEFAULT_CONFIG, arch: archName, scale: 2, data: 'photos', val: null, init };
  exportRunModel(file, parseArch(archName, 2), params, { runId: 3, config, step: 1, scores: {}, seconds: 1 });
}

describe('an FSRCNN with ReLU grown from the model it starts from', () => {
  it.each([
    { grown: 'fsrcnn-8-6-4-res-relu', identity: ['map3.w', 'map3.b', 'map4.w', 'map4.b'], widened: [] },
    {
      grown: 'fsrcnn-8-9-4-res-relu',
      identity: ['map3.w', 'map3.b', 'map4.w', 'map4.b'],
      widened: ['shrink.w', 'shrink.b', 'map1.w', 'map1.b', 'map2.w', 'map2.b', 'expand.w'],
    },
    { grown: 'fsrcnn-8-9-2-res-relu', identity: [], widened: ['shrink.w', 'shrink.b', 'map1.w', 'map1.b', 'map2.w', 'map2.b', 'expand.w'] },
  ])('$grown starts as exactly that model, and blends with it at every strength', async ({ grown, identity, widened }) => {
    const dir = path.join(temp.dir, grown);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const shallowFile = path.join(dir, 'shallow.onnx');
    const shallow = initialOptimizerState(parseArch(SHALLOW, 2), 4, null).params;
    exportWith(shallowFile, SHALLOW, shallow, null);
    const warm = await resolveWarmStart(shallowFile, { stateDir: dir });
    const state = initialOptimizerState(parseArch(grown, 2), 1, null, warm);
    expect(state.fresh).toEqual([]);
    expect(state.identity).toEqual(identity);
    expect(state.widened).toEqual(widened);
    // The new channels are not dead: their incoming weights are seeded, so they compute features from the first step.
    if (widened.length > 0)
      expect(
        state.params
          .get('map1.w')
          ?.slice(6 * 9 * 9)
          .some((v) => v !== 0),
      ).toBe(true);
    const grownFile = path.join(dir, 'grown.onnx');
    exportWith(grownFile, grown, state.params, warm);
    const side = 12;
    const input = Float32Array.from({ length: side * side }, (_, i) => 0.5 + 0.4 * Math.sin(i / 3) * Math.cos(i / 7));
    const [a, b] = await Promise.all([run(readFileSync(shallowFile), input, side), run(readFileSync(grownFile), input, side)]);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);

    // Strength blends the grown model with the smaller clean one it grew from.
    const photoBytes = withModelMeta(readFileSync(grownFile), {
      ...(await loadModel(grownFile, { stateDir: dir })).meta,
      id: 'grown-photo',
      degradation: { name: 'photo', recipe: {} },
      lineage: [{ id: 'shallow', sha256: warm.sha256, trainingSeconds: null }],
    });
    const builtinDir = path.join(dir, 'builtin');
    mkdirSync(builtinDir, { recursive: true });
    const shallowMeta = (await loadModel(shallowFile, { stateDir: dir })).meta;
    writeFileSync(path.join(builtinDir, 'shallow.onnx'), withModelMeta(readFileSync(shallowFile), { ...shallowMeta, id: 'shallow' }));
    writeFileSync(path.join(builtinDir, 'grown-photo.onnx'), photoBytes);
    const dirs = { stateDir: dir, builtinDir };
    const photo = await loadModel('grown-photo', dirs);
    expect((await strengthPartner(photo, dirs))?.meta.id).toBe('shallow');
    // The photo model here is still the freshly grown one, so every strength computes the shallow model's output.
    const half = await modelAtStrength(photo, 0.5, dirs);
    const blended = await run(readFileSync(half.model.path), input, side);
    for (let i = 0; i < a.length; i++) expect(blended[i]).toBeCloseTo(a[i], 5);
  });

  it('refuses to blend with a clean model wider than the photo model', async () => {
    const dir = path.join(temp.dir, 'narrower');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'builtin'), { recursive: true });
    const wideFile = path.join(dir, 'wide.onnx');
    exportWith(wideFile, 'fsrcnn-8-9-2-res-relu', initialOptimizerState(parseArch('fsrcnn-8-9-2-res-relu', 2), 4, null).params, null);
    const narrowFile = path.join(dir, 'narrow.onnx');
    exportWith(narrowFile, SHALLOW, initialOptimizerState(parseArch(SHALLOW, 2), 5, null).params, null);
    const wideMeta = (await loadModel(wideFile, { stateDir: dir })).meta;
    const narrowMeta = (await loadModel(narrowFile, { stateDir: dir })).meta;
    writeFileSync(path.join(dir, 'builtin', 'wide.onnx'), withModelMeta(readFileSync(wideFile), { ...wideMeta, id: 'wide' }));
    writeFileSync(
      path.join(dir, 'builtin', 'narrow-photo.onnx'),
      withModelMeta(readFileSync(narrowFile), {
        ...narrowMeta,
        id: 'narrow-photo',
        degradation: { name: 'photo', recipe: {} },
        lineage: [{ id: 'wide', sha256: '0'.repeat(64), trainingSeconds: null }],
      }),
    );
    const dirs = { stateDir: dir, builtinDir: path.join(dir, 'builtin') };
    const photo = await loadModel('narrow-photo', dirs);
    expect(await strengthPartner(photo, dirs)).toBeUndefined();
    await expect(modelAtStrength(photo, 0.5, dirs)).rejects.toThrow(/has no clean model to blend with/);
  });
});
