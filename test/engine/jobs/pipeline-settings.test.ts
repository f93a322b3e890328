import { describe, expect, it } from 'vitest';
import { parseThreadSplit, pipelineSettings } from '../../../src/engine/jobs/pipeline/pipeline-settings.ts';

describe('the pipeline thread split', () => {
  it('automatic: ORT has every core while the model runs alone, and leaves one per sharp thread while sharp works', () => {
    expect(pipelineSettings('auto', 2, {})).toMatchObject({ ortThreads: 2, narrowThreads: 1, sharpThreads: 1, encoders: 2 });
    expect(pipelineSettings('auto', 8, {})).toMatchObject({ ortThreads: 8, narrowThreads: 6, sharpThreads: 1, encoders: 2 });
    expect(pipelineSettings('auto', 1, {})).toMatchObject({ ortThreads: 1, narrowThreads: 1 });
  });

  it('SRSTUDIO_THREADS still sets ORT’s share; a fixed --threads N:M keeps N throughout', () => {
    // Narrow: one thread fewer per encoder's sharp thread (two encoders).
    expect(pipelineSettings('auto', 2, { SRSTUDIO_THREADS: '3' })).toMatchObject({ ortThreads: 3, narrowThreads: 1 });
    expect(pipelineSettings({ ort: 2, sharp: 1 }, 2, {})).toEqual({
      ortThreads: 2,
      narrowThreads: 2,
      sharpThreads: 1,
      decoders: 1,
      encoders: 2,
      writers: 2,
      budgetMegapixels: 128,
    });
  });

  it('parses --threads: auto, ORT:SHARP, or ORT alone', () => {
    expect(parseThreadSplit('auto')).toBe('auto');
    expect(parseThreadSplit('2:1')).toEqual({ ort: 2, sharp: 1 });
    expect(parseThreadSplit(' 3 ')).toEqual({ ort: 3, sharp: 1 });
    for (const bad of ['0:1', '1:0', '2:', 'two', '-1', '1.5']) expect(() => parseThreadSplit(bad), bad).toThrow(/--threads takes auto/);
  });
});
