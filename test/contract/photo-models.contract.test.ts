import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../src/engine/degrade/index.ts';
import { readModelMetaFile } from '../../src/engine/models/model-meta-io.ts';
import { ModelSummary, requests, TRAINING_PRESETS } from '../../src/shared/contract/index.ts';
import { EvaluationDegradation } from '../../src/shared/contract/requests/evaluation.ts';
import { isForPhotos, modelPurpose, modelTitle, networkOf } from '../../src/shared/model-title.ts';
import { nearCleanAdvice, photoModelId } from '../../src/shared/photo-fine-tune.ts';

/** The request fields of model choice, restoration strength and real-photo evaluation, as zod checks them at every boundary. */
const ok = (method: keyof typeof requests, params: unknown) => requests[method].params.safeParse(params).success;

describe('restoration strength in the contract', () => {
  const batch = { inputs: ['/photos'], outputFolder: '/out' };

  it('jobs.start takes a strength from 0 to 1 and nothing else', () => {
    for (const strength of [0, 0.35, 1]) expect(ok('jobs.start', { ...batch, strength }), String(strength)).toBe(true);
    for (const strength of [-0.01, 1.01, '0.5', null, Number.NaN, Number.POSITIVE_INFINITY])
      expect(ok('jobs.start', { ...batch, strength }), String(strength)).toBe(false);
  });

  it('preview.tiles takes a strength on a model pane only, from 0 to 1', () => {
    const preview = (method: unknown) => ({ image: '/p.png', region: { x: 0, y: 0, width: 16, height: 16 }, scale: 2, methods: [method] });
    expect(ok('preview.tiles', preview({ model: 'photo-x2', strength: 0.4 }))).toBe(true);
    expect(ok('preview.tiles', preview({ model: 'photo-x2' }))).toBe(true);
    expect(ok('preview.tiles', preview({ model: 'photo-x2', strength: 2 }))).toBe(false);
    expect(ok('preview.tiles', preview({ model: 'photo-x2', strength: -1 }))).toBe(false);
    // A strength means nothing to a resampler: refused rather than silently dropped.
    expect(ok('preview.tiles', preview({ interpolation: 'bicubic', strength: 0.5 }))).toBe(false);
    expect(ok('preview.tiles', preview({ model: 'photo-x2', strenght: 0.5 }))).toBe(false);
  });

  it('preview.samplePhoto needs at least one input and refuses NUL bytes', () => {
    expect(requests['preview.samplePhoto'].params.parse({ inputs: ['/photos'] })).toEqual({ inputs: ['/photos'], recursive: false });
    expect(ok('preview.samplePhoto', { inputs: [] })).toBe(false);
    expect(ok('preview.samplePhoto', { inputs: ['/a\0b'] })).toBe(false);
    expect(ok('preview.samplePhoto', { inputs: ['/photos'], extra: true })).toBe(false);
  });

  it('preview.display takes one photo path, and nothing else', () => {
    expect(ok('preview.display', { image: '/phone/IMG_0001.HEIC' })).toBe(true);
    expect(ok('preview.display', { image: '' })).toBe(false);
    expect(ok('preview.display', { image: '/a\0b.tif' })).toBe(false);
    expect(ok('preview.display', { image: '/scan.tif', width: 100 })).toBe(false);
    expect(requests['preview.display'].result.safeParse({ image: { path: '/s/c.jpg', width: 0, height: 1 } }).success).toBe(false);
  });
});

describe('real-photo evaluations in the contract', () => {
  const evaluation = { folders: ['/Set5'], scales: [2], methods: [{ interpolation: 'bicubic' }] };

  it("names exactly the engine's degradation presets", () => {
    expect([...EvaluationDegradation.shape.preset.options].sort()).toEqual([...PRESET_NAMES].sort());
  });

  it('evaluation.start takes an optional preset with a whole, non-negative seed', () => {
    expect(ok('evaluation.start', evaluation)).toBe(true);
    expect(ok('evaluation.start', { ...evaluation, degradation: { preset: 'photo', seed: 0 } })).toBe(true);
    expect(ok('evaluation.start', { ...evaluation, degradation: { preset: 'heavy', seed: 12 } })).toBe(true);
    for (const degradation of [
      { preset: 'blurry', seed: 1 },
      { preset: 'photo', seed: -1 },
      { preset: 'photo', seed: 0.5 },
      { preset: 'photo', seed: 2 ** 31 },
      { preset: 'photo' },
      { seed: 1 },
      { preset: 'photo', seed: 1, recipe: { version: 1 } },
      'photo',
    ])
      expect(ok('evaluation.start', { ...evaluation, degradation }), JSON.stringify(degradation)).toBe(false);
  });

  it("evaluation.results rows say what their inputs were: null for the clean protocol, else the degradation's name and seed", () => {
    const row = { method: 'bicubic', scale: 2, mean: { psnr: 30, ssim: 0.9 }, perImage: [] };
    const result = requests['evaluation.results'].result;
    expect(result.safeParse({ rows: [{ ...row, degradation: null }] }).success).toBe(true);
    expect(result.safeParse({ rows: [{ ...row, degradation: { name: 'photo', seed: 3 } }] }).success).toBe(true);
    expect(result.safeParse({ rows: [row] }).success).toBe(false);
    expect(result.safeParse({ rows: [{ ...row, degradation: { name: 'photo', seed: -3 } }] }).success).toBe(false);
  });
});

describe('models in plain words in the contract', () => {
  it('a model summary carries its title, purpose, default flag and whether strength applies', () => {
    const meta = { id: 'photo-x2', name: 'p', architecture: 'fsrcnn-56-12-4', scale: 2, colorMode: 'y', inputKind: 'lr', halo: 8 };
    const summary = { meta, path: '/m.onnx', origin: 'builtin', sizeBytes: 10, isDefault: true };
    const full = { ...summary, title: 'Photos (JPEG, phone, camera) ×2', purpose: 'photos', strength: true };
    expect(ModelSummary.safeParse(full).success).toBe(true);
    for (const missing of ['title', 'purpose', 'strength']) {
      const { [missing]: _, ...without } = full as Record<string, unknown>;
      expect(ModelSummary.safeParse(without).success, missing).toBe(false);
    }
    expect(ModelSummary.safeParse({ ...full, purpose: 'fancy' }).success).toBe(false);
  });

  it('has a purpose for every purpose the engine names', () => {
    const meta = { name: 'm', architecture: 'srcnn-9-5-5', scale: 2 };
    const purposes = [
      modelPurpose(meta, 'builtin'),
      modelPurpose({ ...meta, architecture: 'fsrcnn-56-12-4' }, 'builtin'),
      modelPurpose({ ...meta, degradation: { name: 'photo', recipe: {} } }, 'builtin'),
      modelPurpose(meta, 'user'),
    ];
    expect([...ModelSummary.shape.purpose.options].sort()).toEqual([...new Set(purposes)].sort());
  });

  it('names the photo preset and its sharpened variant alike, and any other recipe by its name', () => {
    const meta = { name: 'run-3 model', architecture: 'fsrcnn-56-48-8-res-relu', scale: 2 };
    const titled = (name: string, source: 'builtin' | 'user' = 'builtin') =>
      modelTitle({ ...meta, degradation: { name, recipe: {} } }, source);
    expect(titled('photo')).toBe('Photos (JPEG, phone, camera) ×2');
    expect(titled('photo-sharpened')).toBe('Photos (JPEG, phone, camera) ×2');
    expect(titled('heavy')).toBe('Old, scanned or web-recompressed photos ×2');
    expect(titled('dataset-4-photos-x2')).toBe('Photos like “dataset-4-photos-x2” ×2');
    // A user's own model keeps its own name, whatever it was trained on.
    expect(titled('photo', 'user')).toBe('run-3 model');
    expect([
      isForPhotos('photo'),
      isForPhotos('photo-sharpened'),
      isForPhotos('heavy'),
      isForPhotos('photo-mine'),
      isForPhotos(undefined),
    ]).toEqual([true, true, false, false, false]);
  });
});

describe('fine-tuning a bundled photo model from the Train form', () => {
  it('names a network without its scale, and leaves any other architecture as it is', () => {
    expect(networkOf('fsrcnn-56-48-8-res-relu-x2', 2)).toBe('fsrcnn-56-48-8-res-relu');
    expect(networkOf('fsrcnn-56-48-8-res-relu-x2', 3)).toBe('fsrcnn-56-48-8-res-relu-x2');
    expect(networkOf('srcnn-9-1-5', 3)).toBe('srcnn-9-1-5');
  });

  it.each([2, 3, 4])("offers the network of the bundled photo model ×%i among the form's architectures", async (scale) => {
    const meta = await readModelMetaFile(path.resolve('resources/models', `${photoModelId(scale)}.onnx`));
    expect(meta?.scale).toBe(scale);
    expect(TRAINING_PRESETS).toContain(networkOf(meta?.architecture ?? '', scale));
  });
});

describe('the advice for photos that may be nearly clean', () => {
  const profile = (quality: number | null, noise: number | null, blur: number | null) => ({
    jpeg: quality === null ? null : { quality: { median: quality } },
    noise: noise === null ? null : { luma: { median: noise } },
    blur: blur === null ? null : { sigma: { median: blur } },
  });

  it('is given for JPEGs of quality 90 or more, with noise σ 3 or less and blur σ under 1, naming the model when a scale is known', () => {
    expect(nearCleanAdvice(profile(92, 2.5, 0.4), 4)).toMatch(/about 92\) .* try photo-x4 at half strength/);
    expect(nearCleanAdvice(profile(90, 3, 0.99))).toMatch(/try the photo model at half strength/);
    expect(nearCleanAdvice(profile(95, null, null))).toBeDefined();
  });

  it('is not given for lower quality, more noise, blur, or photos that are not JPEGs', () => {
    expect(nearCleanAdvice(profile(89, 1, 0.3))).toBeUndefined();
    expect(nearCleanAdvice(profile(95, 3.1, 0.3))).toBeUndefined();
    expect(nearCleanAdvice(profile(95, 1, 1))).toBeUndefined();
    expect(nearCleanAdvice(profile(null, 0, 0))).toBeUndefined();
  });
});
