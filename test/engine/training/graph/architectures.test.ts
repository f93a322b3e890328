import { describe, expect, it } from 'vitest';
import {
  type ArchSpec,
  archName,
  initParams,
  inputKindOf,
  outputSizeFor,
  paramSpecs,
  parseArch,
  receptiveRadius,
  trainingPatch,
} from '../../../../src/engine/training/architectures.ts';
import { layersOf } from '../../../../src/engine/training/graph/layers.ts';
import { TRAINING_PRESETS } from '../../../../src/shared/contract/index.ts';
import { seededRandom } from '../../../helpers/training-graph-fd.ts';

describe('parseArch / archName', () => {
  it('reads every preset the Train form offers, at every scale, and names it back', () => {
    for (const preset of TRAINING_PRESETS) {
      for (const scale of [2, 3, 4]) {
        const arch = parseArch(preset, scale);
        expect(parseArch(archName(arch), scale)).toEqual(arch);
      }
    }
  });

  it('reads the paper presets', () => {
    expect(parseArch('srcnn-9-5-5', 3)).toEqual({
      kind: 'srcnn',
      f1: 9,
      f2: 5,
      f3: 5,
      n1: 64,
      n2: 32,
      padding: 'valid',
      residual: false,
      scale: 3,
    });
    expect(parseArch('srcnn-9-1-5-same-res', 2)).toMatchObject({ f2: 1, padding: 'same', residual: true, scale: 2 });
    expect(parseArch('fsrcnn', 3)).toEqual({ kind: 'fsrcnn', d: 56, s: 12, m: 4, scale: 3 });
    expect(parseArch('FSRCNN-32-5-1', 2)).toEqual({ kind: 'fsrcnn', d: 32, s: 5, m: 1, scale: 2 });
    expect(parseArch('fsrcnn-56-12-4-res', 4)).toEqual({ kind: 'fsrcnn', d: 56, s: 12, m: 4, residual: true, scale: 4 });
    expect(parseArch('espcn-res-x3', 3)).toEqual({ kind: 'espcn', residual: true, scale: 3 });
    expect(parseArch('{"kind":"fsrcnn","residual":true}', 2)).toEqual(parseArch('fsrcnn-res', 2));
    expect(parseArch('fsrcnn-56-32-4-res-relu-x2', 2)).toEqual({
      kind: 'fsrcnn',
      d: 56,
      s: 32,
      m: 4,
      residual: true,
      activation: 'relu',
      scale: 2,
    });
    expect(parseArch('{"kind":"fsrcnn","activation":"relu"}', 3)).toEqual(parseArch('fsrcnn-relu', 3));
    expect(parseArch('{"kind":"fsrcnn","activation":"prelu"}', 3)).toEqual(parseArch('fsrcnn', 3));
    expect(parseArch('espcn', 4)).toEqual({ kind: 'espcn', scale: 4 });
    expect(parseArch('{"kind":"srcnn","f2":1}', 2)).toMatchObject({ f1: 9, f2: 1, f3: 5, n1: 64, padding: 'valid' });
    expect(parseArch('{"kind":"espcn","n1":16,"n2":8}', 3)).toEqual({ kind: 'espcn', scale: 3, n1: 16, n2: 8 });
  });

  it('names read back to the same spec', () => {
    const specs: ArchSpec[] = [
      parseArch('srcnn-9-5-5', 3),
      parseArch('srcnn-9-1-5', 2),
      parseArch('{"kind":"srcnn","f1":9,"f2":3,"f3":5,"n1":32,"n2":16,"padding":"same","residual":true}', 4),
      parseArch('fsrcnn', 3),
      parseArch('espcn', 2),
      parseArch('fsrcnn-56-32-4-res-relu', 4),
      parseArch('{"kind":"espcn","n1":16,"n2":8}', 3),
    ];
    expect(archName(specs[0])).toBe('srcnn-9-5-5');
    expect(archName(specs[3])).toBe('fsrcnn-56-12-4-x3');
    expect(archName(specs[4])).toBe('espcn-x2');
    expect(archName(specs[5])).toBe('fsrcnn-56-32-4-res-relu-x4');
    for (const spec of specs) expect(parseArch(archName(spec), spec.scale)).toEqual(spec);
  });

  it('rejects unknown names, bad JSON, even kernels and contradicting scales with BAD_ARGUMENT', () => {
    const bad = ['vdsr', 'srcnn-9-4-5', '{"kind":"srcnn"', '{"kind":"srcnn","f1":8}', '{"kind":"unet"}', 'fsrcnn-56-12-4-x2'];
    for (const name of bad) {
      expect(() => parseArch(name, 3), name).toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENT', hint: expect.stringContaining('srcnn-9-5-5') }),
      );
    }
    expect(() => parseArch('espcn', 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});

describe('geometry', () => {
  it('matches the papers', () => {
    const srcnn915 = parseArch('srcnn-9-1-5', 3);
    const srcnn955 = parseArch('srcnn-9-5-5', 3);
    expect(outputSizeFor(srcnn915, 33)).toBe(21);
    expect(outputSizeFor(srcnn955, 33)).toBe(17);
    expect(outputSizeFor(parseArch('srcnn-9-5-5-same', 3), 33)).toBe(33);
    expect(outputSizeFor(parseArch('fsrcnn', 3), 11)).toBe(33);
    expect(outputSizeFor(parseArch('espcn', 4), 10)).toBe(40);
    expect(receptiveRadius(srcnn915)).toBe(6);
    expect(receptiveRadius(srcnn955)).toBe(8);
    expect(receptiveRadius(parseArch('fsrcnn', 3))).toBe(2 + 4 + 2);
    expect(receptiveRadius(parseArch('espcn', 3))).toBe(4);
    expect(inputKindOf(srcnn915)).toBe('upsampled');
    expect(inputKindOf(parseArch('fsrcnn', 2))).toBe('lr');
  });

  it('says what the sampler must feed for an HR patch', () => {
    expect(trainingPatch(parseArch('srcnn-9-1-5', 3), 33)).toEqual({ inputSize: 33, outputSize: 21, labelOffset: 6 });
    expect(trainingPatch(parseArch('fsrcnn', 3), 33)).toEqual({ inputSize: 11, outputSize: 33, labelOffset: 0 });
    expect(() => trainingPatch(parseArch('espcn', 3), 32)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => trainingPatch(parseArch('srcnn-9-5-5', 3), 15)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});

describe('parameters', () => {
  it('lists shapes as the papers give them', () => {
    expect(paramSpecs(parseArch('srcnn-9-1-5', 3)).map((p) => [p.name, p.shape])).toEqual([
      ['conv1.w', [64, 1, 9, 9]],
      ['conv1.b', [64]],
      ['conv2.w', [32, 64, 1, 1]],
      ['conv2.b', [32]],
      ['conv3.w', [1, 32, 5, 5]],
      ['conv3.b', [1]],
    ]);
    const fsrcnn = paramSpecs(parseArch('fsrcnn', 3));
    expect(fsrcnn.find((p) => p.name === 'deconv.w')?.shape).toEqual([56, 1, 9, 9]);
    expect(fsrcnn.filter((p) => p.kind === 'prelu').map((p) => p.shape)).toEqual([
      [56, 1, 1],
      [12, 1, 1],
      [12, 1, 1],
      [12, 1, 1],
      [12, 1, 1],
      [12, 1, 1],
      [56, 1, 1],
    ]);
    expect(paramSpecs(parseArch('espcn', 3)).at(-2)?.shape).toEqual([9, 32, 3, 3]);
    // With ReLU the convolutions are the same (so a PReLU model's weights warm-start it) and the slopes are gone.
    const relu = paramSpecs(parseArch('fsrcnn-res-relu', 3));
    expect(relu.map((p) => p.name)).toEqual(fsrcnn.filter((p) => p.kind !== 'prelu').map((p) => p.name));
    expect(layersOf(parseArch('fsrcnn-res-relu', 3)).filter((l) => l.type === 'relu')).toHaveLength(7);
  });

  it('initialises reproducibly with the papers’ distributions', () => {
    const fsrcnn = parseArch('fsrcnn', 3);
    const a = initParams(fsrcnn, seededRandom(42));
    const b = initParams(fsrcnn, seededRandom(42));
    for (const [name, values] of a) expect(b.get(name)).toEqual(values);
    expect(Array.from(a.get('feature.b')!).every((x) => x === 0)).toBe(true);
    expect(Array.from(a.get('map1.a')!).every((x) => x === 0.25)).toBe(true);
    const std = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    // He: σ = √(2/fanIn) = √(2/(12·9)) for a 3×3·12 mapping layer; the deconvolution uses σ = 0.001.
    expect(std(a.get('map1.w')!)).toBeCloseTo(Math.sqrt(2 / 108), 2);
    expect(std(a.get('deconv.w')!)).toBeCloseTo(0.001, 4);
    const srcnn = initParams(parseArch('srcnn-9-5-5', 3), seededRandom(1));
    expect(std(srcnn.get('conv2.w')!)).toBeCloseTo(0.001, 4);
    const mean = srcnn.get('conv2.w')!.reduce((s, x) => s + x, 0) / srcnn.get('conv2.w')!.length;
    expect(Math.abs(mean)).toBeLessThan(5e-5);
  });
});
