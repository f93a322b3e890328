import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckpointState, loadCheckpoint, saveCheckpoint } from '../../../src/engine/training/checkpoint.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'srstudio-ckpt-'));
  dirs.push(dir);
  return dir;
}

function sample(): CheckpointState {
  return {
    step: 42,
    config: { arch: 'srcnn-9-1-5', scale: 3, lr: 1e-4 },
    rng: { seed: 9, step: 42 },
    best: { step: 40, psnr: 31.5, ssim: 0.88 },
    params: new Map([
      ['conv1.w', Float32Array.from([1.5, -2.25, Math.PI, 1e-30])],
      ['conv1.b', Float32Array.from([0.125])],
    ]),
    adamM: new Map([['conv1.w', Float32Array.from([0.1, 0.2, 0.3, 0.4])]]),
    adamV: new Map([['conv1.w', Float32Array.from([Number.MIN_VALUE, 1, 2, 3])]]),
  };
}

describe('checkpoint files', () => {
  it('round-trip weights, Adam moments, step, RNG and config bit for bit', () => {
    const path = join(tempDir(), 'run.ckpt');
    const state = sample();
    saveCheckpoint(path, state);
    const loaded = loadCheckpoint(path);
    expect(loaded.step).toBe(42);
    expect(loaded.rng).toEqual({ seed: 9, step: 42 });
    expect(loaded.config).toEqual(state.config);
    expect(loaded.best).toEqual(state.best);
    expect(loaded.params).toEqual(state.params);
    expect(loaded.adamM).toEqual(state.adamM);
    expect(loaded.adamV).toEqual(state.adamV);
  });

  it('replace the previous file atomically and leave no temp files', () => {
    const dir = tempDir();
    const path = join(dir, 'run.ckpt');
    saveCheckpoint(path, sample());
    saveCheckpoint(path, { ...sample(), step: 43 });
    expect(loadCheckpoint(path).step).toBe(43);
    expect(readdirSync(dir)).toEqual(['run.ckpt']);
  });

  it('name the file and the reason when it is truncated or not a checkpoint', () => {
    const dir = tempDir();
    const path = join(dir, 'run.ckpt');
    saveCheckpoint(path, sample());
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    expect(() => loadCheckpoint(path)).toThrow(`${path} is not a usable SR Studio checkpoint: the file is truncated`);
    writeFileSync(path, 'hello world, not a checkpoint');
    expect(() => loadCheckpoint(path)).toThrow(/wrong file signature/);
    expect(() => loadCheckpoint(join(dir, 'missing.ckpt'))).toThrow(/No such file/);
  });

  it('report an unwritable folder as NOT_FOUND/NOT_WRITABLE with the path', () => {
    const path = join(tempDir(), 'no-such-folder', 'run.ckpt');
    expect(() => saveCheckpoint(path, sample())).toThrow(expect.objectContaining({ code: 'NOT_FOUND', path }));
  });
});
