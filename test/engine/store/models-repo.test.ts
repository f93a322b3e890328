import { describe, expect, it } from 'vitest';
import { ModelsRepo } from '../../../src/engine/store/models-repo.ts';
import type { ModelMeta } from '../../../src/shared/model-meta.ts';
import { useTempStore } from '../../helpers/store-temp.ts';

function meta(id: string, scale: number): ModelMeta {
  return {
    id,
    name: id,
    architecture: 'srcnn-9-5-5',
    scale,
    colorMode: 'y',
    inputKind: 'upsampled',
    valueRange: [0, 1],
    halo: 8,
    provenance: '',
    scores: {},
  };
}

describe('ModelsRepo', () => {
  const temp = useTempStore();

  it('registers, lists by scale and keeps one default per scale', () => {
    const models = new ModelsRepo(temp.store);
    models.register({ path: '/m/a.onnx', source: 'builtin', meta: meta('a-x2', 2) });
    models.register({ path: '/m/b.onnx', source: 'user', meta: meta('b-x2', 2) });
    models.register({ path: '/m/c.onnx', source: 'trained', meta: meta('c-x3', 3) });
    expect(models.list({ scale: 2 }).map((m) => m.id)).toEqual(['a-x2', 'b-x2']);
    expect(models.list({ source: 'trained' }).map((m) => m.id)).toEqual(['c-x3']);
    expect(models.defaultFor(2)).toBeUndefined();

    models.setDefault('a-x2');
    models.setDefault('c-x3');
    expect(models.defaultFor(2)?.id).toBe('a-x2');
    models.setDefault('b-x2');
    expect(models.defaultFor(2)?.id).toBe('b-x2');
    expect(models.get('a-x2')?.isDefault).toBe(false);
    expect(models.defaultFor(3)?.id).toBe('c-x3');
    expect(() => models.setDefault('nope')).toThrowError(/No registered model with id "nope"/);
  });

  it('re-registering replaces path and meta, and remove forgets the model', () => {
    const models = new ModelsRepo(temp.store);
    models.register({ path: '/m/a.onnx', source: 'user', meta: meta('a', 2) });
    models.setDefault('a');
    const again = models.register({ path: '/m/a2.onnx', source: 'user', meta: { ...meta('a', 2), name: 'Renamed' } });
    expect(again).toMatchObject({ path: '/m/a2.onnx', isDefault: true });
    expect(again.meta.name).toBe('Renamed');
    expect(models.remove('a')).toBe(true);
    expect(models.remove('a')).toBe(false);
    expect(models.list()).toEqual([]);
  });

  it('rejects invalid meta', () => {
    const models = new ModelsRepo(temp.store);
    expect(() => models.register({ path: '/m/x.onnx', source: 'user', meta: meta('UPPER CASE', 2) })).toThrow();
  });
});
