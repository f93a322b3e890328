import { describe, expect, it } from 'vitest';
import { preset } from '../../../src/engine/degrade/presets.ts';
import { validateConfig } from '../../../src/engine/training/train-config.ts';
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
