import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { computeThreads, physicalCoreCount } from '../../../src/engine/models/cpu-cores.ts';
import { isCpuFallbackNotice } from '../../../src/engine/models/cpu-fallback-notice.ts';
import { providerUnavailableReason } from '../../../src/engine/models/execution-providers.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let model: string;
beforeAll(async () => {
  dir = tempDir('srs-session-');
  model = await writeTinyModel(dir, 'y-lr');
});
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Here (no GPU, onnxruntime-node without its CUDA libraries) these exercise the real fallback path; on a
// machine where CUDA works they check the other branch.
const cudaMissing = process.platform === 'linux' && providerUnavailableReason('cuda') !== undefined;

describe('execution providers', () => {
  it('auto falls back to the CPU with exactly one notice, even over many calls', async () => {
    await releaseSessions();
    const notices: string[] = [];
    const first = await openSession(model, { device: 'auto', onNotice: (n) => notices.push(n) });
    const second = await openSession(model, { device: 'auto', onNotice: (n) => notices.push(n) });
    expect(second).toBe(first);
    if (cudaMissing) {
      expect(first.provider).toBe('cpu');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/Running on the CPU: .*CUDA/);
      // The CLI recognises it by this (to show it once per machine), so the two must agree.
      expect(isCpuFallbackNotice(notices[0])).toBe(true);
      expect(notices[0]).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js');
    } else {
      expect(notices.length).toBeLessThanOrEqual(1);
    }
  });

  it('an explicit --device cuda that cannot work is an SrError with how to enable it', async () => {
    const result = await openSession(model, { device: 'cuda' }).catch((e: unknown) => e);
    if (!cudaMissing) return expect((result as { provider?: string }).provider).toBe('cuda');
    expect(isSrError(result) && result.code).toBe('BAD_ARGUMENT');
    expect((result as Error).message).toContain('--device cuda is not available');
    expect(isSrError(result) && result.hint).toContain(
      'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js',
    );
  });

  it('dml and coreml are refused off their platforms with a reason', async () => {
    const foreign = (['dml', 'coreml'] as const).filter((d) =>
      d === 'dml' ? process.platform !== 'win32' : process.platform !== 'darwin',
    );
    expect(foreign.length).toBeGreaterThan(0);
    for (const device of foreign) {
      const error = await openSession(model, { device }).catch((e: unknown) => e);
      expect(isSrError(error) && error.code).toBe('BAD_ARGUMENT');
      expect(isSrError(error) && error.hint).toMatch(/Windows|macOS/);
    }
  });

  it('cpu sessions are cached per model and actually run', async () => {
    const a = await openSession(model, { device: 'cpu' });
    const b = await openSession(model, { device: 'cpu' });
    expect(a).toBe(b);
    expect(a.inputName).toBe('input');
    expect(a.outputName).toBe('output');
  });
});

describe('physicalCoreCount', () => {
  it('counts distinct (physical id, core id) pairs, not hyper-threads', () => {
    const block = (proc: number, phys: number, core: number) => `processor\t: ${proc}\nphysical id\t: ${phys}\ncore id\t\t: ${core}\n\n`;
    // Two sockets × 2 cores × 2 threads = 8 logical, 4 physical.
    let info = '';
    let proc = 0;
    for (const phys of [0, 1]) for (const _thread of [0, 1]) for (const core of [0, 1]) info += block(proc++, phys, core);
    expect(physicalCoreCount(info, 8)).toBe(4);
    // A container limited to 2 CPUs never gets more threads than it may use.
    expect(physicalCoreCount(info, 2)).toBe(2);
  });

  it('falls back to the logical count without core ids', () => {
    expect(physicalCoreCount('processor : 0\nmodel name : x\n', 6)).toBe(6);
    expect(physicalCoreCount('', 3)).toBe(3);
  });

  it('on this machine matches /proc/cpuinfo', () => {
    const count = physicalCoreCount();
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(os.availableParallelism());
  });
});

describe('computeThreads', () => {
  it('uses the physical cores unless SRSTUDIO_THREADS says otherwise', () => {
    expect(computeThreads({}, 4)).toBe(4);
    expect(computeThreads({ SRSTUDIO_THREADS: '' }, 4)).toBe(4);
    expect(computeThreads({ SRSTUDIO_THREADS: '1' }, 4)).toBe(1);
    expect(computeThreads({ SRSTUDIO_THREADS: '6' }, 4)).toBe(6);
  });

  it('rejects a thread count that is not a positive whole number, naming the value', () => {
    for (const bad of ['0', '-2', '1.5', 'two']) {
      expect(() => computeThreads({ SRSTUDIO_THREADS: bad }, 4)).toThrow(`got '${bad}'`);
    }
  });
});
