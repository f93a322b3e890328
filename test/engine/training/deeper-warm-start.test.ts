import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { withModelMeta } from '../../../src/engine/models/model-meta-io.ts';
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
const DEEP = 'fsrcnn-8-6-4-res-relu';

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

describe('an FSRCNN with ReLU made deeper than the model it starts from', () => {
  it('starts as exactly that model: the extra mapping layers are the identity', async () => {
    const shallowFile = path.join(temp.dir, 'shallow.onnx');
    const shallow = initialOptimizerState(parseArch(SHALLOW, 2), 4, null).params;
    exportWith(shallowFile, SHALLOW, shallow, null);
    const warm = await resolveWarmStart(shallowFile, { stateDir: temp.dir });
    const state = initialOptimizerState(parseArch(DEEP, 2), 1, null, warm);
    expect(state.fresh).toEqual([]);
    expect(state.identity).toEqual(['map3.w', 'map3.b', 'map4.w', 'map4.b']);
    const deepFile = path.join(temp.dir, 'deep.onnx');
    exportWith(deepFile, DEEP, state.params, warm);
    const side = 12;
    const input = Float32Array.from({ length: side * side }, (_, i) => 0.5 + 0.4 * Math.sin(i / 3) * Math.cos(i / 7));
    const [a, b] = await Promise.all([run(readFileSync(shallowFile), input, side), run(readFileSync(deepFile), input, side)]);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);

    // Strength blends the deeper model with the shallower clean one it grew from.
    const photoBytes = withModelMeta(readFileSync(deepFile), {
      ...(await loadModel(deepFile, { stateDir: temp.dir })).meta,
      id: 'deep-photo',
      degradation: { name: 'photo', recipe: {} },
      lineage: [{ id: 'shallow', sha256: warm.sha256, trainingSeconds: null }],
    });
    const builtinDir = path.join(temp.dir, 'builtin');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(builtinDir, { recursive: true });
    const shallowMeta = (await loadModel(shallowFile, { stateDir: temp.dir })).meta;
    writeFileSync(path.join(builtinDir, 'shallow.onnx'), withModelMeta(readFileSync(shallowFile), { ...shallowMeta, id: 'shallow' }));
    writeFileSync(path.join(builtinDir, 'deep-photo.onnx'), photoBytes);
    const dirs = { stateDir: temp.dir, builtinDir };
    const photo = await loadModel('deep-photo', dirs);
    expect((await strengthPartner(photo, dirs))?.meta.id).toBe('shallow');
    // The photo model here is still the identity-grown one, so every strength computes the shallow model's output.
    const half = await modelAtStrength(photo, 0.5, dirs);
    const blended = await run(readFileSync(half.model.path), input, side);
    for (let i = 0; i < a.length; i++) expect(blended[i]).toBeCloseTo(a[i], 5);
  });
});
