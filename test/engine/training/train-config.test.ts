import { describe, expect, it } from 'vitest';
import { preset } from '../../../src/engine/degrade/presets.ts';
import { defaultPatch, validateConfig } from '../../../src/engine/training/train-config.ts';
import { tinyConfig } from '../../helpers/training-config.ts';

describe('a run’s sampling with real-photo degradation', () => {
  it('takes uniform and texture-weighted sampling with --degrade photo, and keeps the recipe', () => {
    for (const sampling of ['uniform', 'texture'] as const) {
      const config = validateConfig(tinyConfig('data', null, { sampling, degrade: preset('photo') }));
      expect(config.sampling).toBe(sampling);
      expect(config.degrade?.name).toBe('photo');
    }
  });

  it('refuses stride sampling with --degrade photo, saying what to use instead; with the clean protocol it stays', () => {
    expect(() => validateConfig(tinyConfig('data', null, { sampling: 'stride', degrade: preset('photo') }))).toThrow(
      '--sampling stride does not work with --degrade photo',
    );
    expect(validateConfig(tinyConfig('data', null, { sampling: 'stride', degrade: preset('clean') }))).toMatchObject({
      sampling: 'stride',
      degrade: null,
    });
  });
});

describe('the default patch', () => {
  it('is the paper’s 33 where any size fits, else rounded up to a multiple of the scale', () => {
    expect(defaultPatch(2, 'upsampled', false)).toBe(33); // SRCNN on the clean protocol, as in the paper
    expect([2, 3, 4].map((s) => defaultPatch(s, 'lr', false))).toEqual([34, 33, 36]); // FSRCNN, ESPCN: LR input
    expect([2, 3, 4].map((s) => defaultPatch(s, 'upsampled', true))).toEqual([34, 33, 36]); // real-photo tiles
  });
});
