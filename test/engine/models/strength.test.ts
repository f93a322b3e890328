import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { withModelMeta } from '../../../src/engine/models/model-bytes.ts';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { loadModel } from '../../../src/engine/models/registry.ts';
import { openSession } from '../../../src/engine/models/session.ts';
import { modelAtStrength, strengthPartner } from '../../../src/engine/models/strength.ts';
import { decodeModelAsWritten } from '../../../src/engine/onnx/proto.ts';
import { exportedModel } from '../../helpers/models-exported.ts';
import { tempDir } from '../../helpers/models-photo.ts';

const root = tempDir('srs-strength-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ARCH = 'fsrcnn-8-4-1-res-relu';
const builtinDir = path.join(root, 'builtin');
const stateDir = path.join(root, 'state');
const dirs = { stateDir, builtinDir };

/** A clean model (bundled), and a "photo" model of the same architecture fine-tuned from it (its lineage says so). */
function install(): void {
  fs.mkdirSync(builtinDir, { recursive: true });
  fs.mkdirSync(path.join(stateDir, 'models'), { recursive: true });
  const clean = exportedModel(ARCH, 2, 'clean-x2', 1);
  fs.writeFileSync(path.join(builtinDir, 'clean-x2.onnx'), clean.bytes);
  const tuned = exportedModel(ARCH, 2, 'photo-x2', 2);
  const meta = {
    ...tuned.meta,
    degradation: { name: 'photo', recipe: { version: 1 } },
    lineage: [{ id: 'clean-x2', sha256: '0'.repeat(64), trainingSeconds: null }],
  };
  fs.writeFileSync(path.join(builtinDir, 'photo-x2.onnx'), withModelMeta(tuned.bytes, meta));
  const loner = exportedModel(ARCH, 2, 'loner-x2', 3);
  fs.writeFileSync(path.join(builtinDir, 'loner-x2.onnx'), loner.bytes);
}
install();

function weights(file: string): Map<string, Float32Array> {
  const model = decodeModelAsWritten(fs.readFileSync(file));
  return new Map(
    model.graph.initializer
      .filter((t) => t.dataType === 1 && t.rawData)
      .map((t) => [t.name ?? '', new Float32Array(Uint8Array.from(t.rawData as Uint8Array).buffer)]),
  );
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSrError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('restoration strength (network interpolation)', () => {
  it('blends every weight, θ = s·θ_photo + (1 − s)·θ_clean, into a cached model that ONNX Runtime runs', async () => {
    const photo = await loadModel('photo-x2', dirs);
    const clean = await loadModel('clean-x2', dirs);
    const { model } = await modelAtStrength(photo, 0.3, dirs);
    expect(model.path.startsWith(path.join(stateDir, 'cache', 'strength'))).toBe(true);
    expect(model.meta).toMatchObject({ id: 'photo-x2-s30', architecture: photo.meta.architecture, degradation: { name: 'photo' } });
    expect(model.meta.provenance).toContain('0.30 × photo-x2 + 0.70 × clean-x2');
    const [a, b, blended] = [weights(photo.path), weights(clean.path), weights(model.path)];
    expect(blended.size).toBe(a.size);
    for (const [name, values] of blended) {
      const p = a.get(name) as Float32Array;
      const c = b.get(name) as Float32Array;
      for (let i = 0; i < values.length; i += 7) expect(values[i]).toBeCloseTo(0.3 * p[i] + 0.7 * c[i], 6);
    }
    const session = await openSession(model.path, { device: 'cpu' });
    expect(session.inputName).toBeTruthy();
    // The same strength again reuses the file.
    const before = fs.statSync(model.path).mtimeMs;
    const again = await modelAtStrength(photo, 0.3, dirs);
    expect(again.model.path).toBe(model.path);
    expect(fs.statSync(model.path).mtimeMs).toBe(before);
    expect(readModelMeta(fs.readFileSync(model.path))?.id).toBe('photo-x2-s30');
  });

  it('strength 1 is the photo model, 0 its clean parent', async () => {
    const photo = await loadModel('photo-x2', dirs);
    expect((await modelAtStrength(photo, 1, dirs)).model.path).toBe(photo.path);
    const zero = await modelAtStrength(photo, 0, dirs);
    expect(zero.model.meta.id).toBe('clean-x2');
    expect(zero.note).toContain('Strength 0 runs clean-x2');
  });

  it('a torn cached blend is made again instead of trusted', async () => {
    const photo = await loadModel('photo-x2', dirs);
    const { model } = await modelAtStrength(photo, 0.6, dirs);
    fs.writeFileSync(model.path, fs.readFileSync(model.path).subarray(0, 100));
    const again = await modelAtStrength(photo, 0.6, dirs);
    expect(weights(again.model.path).size).toBeGreaterThan(0);
  });

  it('says why strength does not apply, or is out of range', async () => {
    const loner = await loadModel('loner-x2', dirs);
    expect(await failure(modelAtStrength(loner, 0.5, dirs))).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('has no clean model to blend with'),
    });
    const photo = await loadModel('photo-x2', dirs);
    expect((await failure(modelAtStrength(photo, 1.5, dirs))).message).toContain('between 0 and 1');
  });

  it('has no partner for a model retrained under its own id (its lineage names itself)', async () => {
    const retrained = exportedModel(ARCH, 2, 'again-x2', 4);
    const meta = { ...retrained.meta, lineage: [{ id: 'again-x2', sha256: '1'.repeat(64), trainingSeconds: 60 }] };
    fs.writeFileSync(path.join(builtinDir, 'again-x2.onnx'), withModelMeta(retrained.bytes, meta));
    const model = await loadModel('again-x2', dirs);
    expect(await strengthPartner(model, dirs)).toBeUndefined();
    expect((await failure(modelAtStrength(model, 0.5, dirs))).message).toContain('has no clean model to blend with');
  });
});
