import { describe, expect, it } from 'vitest';
import { autoThreadSplit, parseThreadSplit, pipelineSettings } from '../../../src/engine/jobs/pipeline/pipeline-settings.ts';

describe('the pipeline thread split', () => {
  it('gives ORT every core, and on a heavily loaded machine only the cores the encoders leave', () => {
    expect(autoThreadSplit({}, 2, 0.4)).toEqual({ ort: 2, sharp: 1 });
    expect(autoThreadSplit({}, 2, 4)).toEqual({ ort: 2, sharp: 1 });
    expect(autoThreadSplit({}, 2, 7.5)).toEqual({ ort: 1, sharp: 1 });
    expect(autoThreadSplit({}, 8, 8)).toEqual({ ort: 8, sharp: 1 });
    expect(autoThreadSplit({}, 8, 30)).toEqual({ ort: 6, sharp: 1 });
    expect(autoThreadSplit({}, 1, 3)).toEqual({ ort: 1, sharp: 1 });
  });

  it('SRSTUDIO_THREADS still sets ORT’s share, busy or not', () => {
    expect(autoThreadSplit({ SRSTUDIO_THREADS: '3' }, 2, 9)).toEqual({ ort: 3, sharp: 1 });
    expect(autoThreadSplit({ SRSTUDIO_THREADS: '1' }, 8, 0)).toEqual({ ort: 1, sharp: 1 });
  });

  it('parses --threads: auto, ORT:SHARP, or ORT alone', () => {
    expect(parseThreadSplit('auto')).toBe('auto');
    expect(parseThreadSplit('2:1')).toEqual({ ort: 2, sharp: 1 });
    expect(parseThreadSplit(' 3 ')).toEqual({ ort: 3, sharp: 1 });
    for (const bad of ['0:1', '1:0', '2:', 'two', '-1', '1.5']) expect(() => parseThreadSplit(bad), bad).toThrow(/--threads takes auto/);
  });

  it('encodes one file per 4 cores, decodes one, writes two, within 128 MP in flight', () => {
    expect(pipelineSettings({ ort: 2, sharp: 1 }, 2)).toEqual({
      ortThreads: 2,
      sharpThreads: 1,
      decoders: 1,
      encoders: 1,
      writers: 2,
      budgetMegapixels: 128,
    });
    expect(pipelineSettings({ ort: 6, sharp: 1 }, 8).encoders).toBe(2);
  });
});
