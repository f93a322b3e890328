import { describe, expect, it } from 'vitest';
import { runsModelsHere } from '../../src/cli/early-start.ts';

describe('runsModelsHere (whether main.ts starts the inference worker before the commands load)', () => {
  it('is true for a local upscale and for a queue worker, whatever the options', () => {
    expect(runsModelsHere(['upscale', 'photos'])).toBe(true);
    expect(runsModelsHere(['--verbose', 'upscale', 'a.jpg', '-o', 'out', '--model', 'photo-x2'])).toBe(true);
    expect(runsModelsHere(['upscale', '--resume'])).toBe(true);
    expect(runsModelsHere(['worker', '--redis', 'redis://host:6379'])).toBe(true);
  });

  it('is false for a queued upscale, for help, and for commands that run no model here', () => {
    expect(runsModelsHere(['upscale', 'photos', '--queue', 'redis://host:6379'])).toBe(false);
    expect(runsModelsHere(['upscale', 'photos', '--queue=redis://host:6379'])).toBe(false);
    expect(runsModelsHere(['upscale', '--help'])).toBe(false);
    expect(runsModelsHere(['upscale', '-h'])).toBe(false);
    expect(runsModelsHere(['help', 'upscale'])).toBe(false);
    expect(runsModelsHere([])).toBe(false);
    expect(runsModelsHere(['--version'])).toBe(false);
    for (const command of ['models', 'eval', 'train', 'serve', 'datasets', 'doctor', 'jobs']) expect(runsModelsHere([command])).toBe(false);
    // A folder named like a command is an input, not the command.
    expect(runsModelsHere(['models', 'upscale'])).toBe(false);
  });
});
