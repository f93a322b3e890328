import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { assertFitsMemory, machineMemoryBytes, upscaleMemoryBytes } from '../../../src/engine/upscale/memory-needs.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

const GB = 1e9;

describe('the memory an upscale needs', () => {
  it('grows with the input and output pixels, above the peaks measured (0.49 GB for 9 → 36 MP, 2.87 GB for 36 → 576 MP)', () => {
    expect(upscaleMemoryBytes(9e6, 36e6) / 1e9).toBeCloseTo(0.59, 2);
    expect(upscaleMemoryBytes(36e6, 576e6) / 1e9).toBeCloseTo(3.72, 2);
    expect(upscaleMemoryBytes(9e6, 36e6)).toBeGreaterThan(0.49e9);
    expect(upscaleMemoryBytes(36e6, 576e6)).toBeGreaterThan(2.87e9);
  });

  it('counts the larger samples of a 16-bit photo, above the peak measured (0.63 GB for a 16-bit PNG, 9 → 36 MP)', () => {
    expect(upscaleMemoryBytes(9e6, 36e6, 2) / 1e9).toBeCloseTo(0.81, 2);
    expect(upscaleMemoryBytes(9e6, 36e6, 2)).toBeGreaterThan(0.63e9);
    expect(upscaleMemoryBytes(9e6, 36e6, 2)).toBeGreaterThan(upscaleMemoryBytes(9e6, 36e6));
  });

  it('is the machine memory at most, and something', () => {
    expect(machineMemoryBytes()).toBeGreaterThan(0);
    expect(machineMemoryBytes()).toBeLessThanOrEqual(os.totalmem());
  });

  it('lets an upscale run that fits, and refuses one that does not with TOO_LARGE and the numbers', async () => {
    const input = { width: 6000, height: 4000 };
    expect(() => assertFitsMemory(input, { width: 12000, height: 8000 }, { memoryBytes: 8 * GB })).not.toThrow();

    const error = await caughtSrError((async () => assertFitsMemory(input, { width: 24000, height: 16000 }, { memoryBytes: 2 * GB }))());
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe('Upscaling 6000×4000 to 24000×16000 needs about 2.6 GB of memory, more than this machine has (2.0 GB)');
    expect(error.hint).toContain('--scale');
  });

  it('counts what the model makes before the resize to the target, where that is larger', async () => {
    // ×12 asked of a ×4 model: two passes make ×16 first (16 × 12000 × 8000 output pixels), then a resize to ×12.
    const input = { width: 3000, height: 2000 };
    const target = { width: 36000, height: 24000 };
    expect(() => assertFitsMemory(input, target, { memoryBytes: 5 * GB })).not.toThrow();
    const error = await caughtSrError(
      (async () => assertFitsMemory(input, target, { modelOutput: { width: 48000, height: 32000 }, memoryBytes: 5 * GB }))(),
    );
    expect(error.message).toBe('Upscaling 3000×2000 to 36000×24000 needs about 8.0 GB of memory, more than this machine has (5.0 GB)');
  });
});
