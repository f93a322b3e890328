import { describe, expect, it } from 'vitest';
import { RunsRepo } from '../../../src/engine/store/runs-repo.ts';
import { useTempStore } from '../../helpers/store-temp.ts';

describe('RunsRepo', () => {
  const temp = useTempStore();

  it('creates runs and reads their config back', () => {
    const runs = new RunsRepo(temp.store);
    const run = runs.create({ arch: 'fsrcnn-56-12-4', scale: 3, config: { lr: 1e-3, patch: 33 } });
    expect(run).toMatchObject({
      arch: 'fsrcnn-56-12-4',
      scale: 3,
      status: 'queued',
      config: { lr: 1e-3, patch: 33 },
      bestStep: null,
      modelPath: null,
    });
    const second = runs.create({ arch: 'espcn', scale: 2, config: {} });
    expect(runs.list().map((r) => r.id)).toEqual([second.id, run.id]);
    runs.setStatus(run.id, 'paused');
    expect(runs.get(run.id)?.status).toBe('paused');
    expect(() => runs.setStatus(999, 'done')).toThrowError(/No training run with id 999/);
  });

  it('stores metric curves, keeps NaN and Infinity, and filters by step and kind', () => {
    const runs = new RunsRepo(temp.store);
    const run = runs.create({ arch: 'srcnn', scale: 3, config: {} });
    runs.addMetrics(run.id, [
      { step: 1, kind: 'train', name: 'loss', value: 0.5 },
      { step: 2, kind: 'train', name: 'loss', value: Number.NaN },
      { step: 2, kind: 'val', name: 'psnr', value: Number.POSITIVE_INFINITY },
      { step: 0, kind: 'bicubic', name: 'psnr', value: 28.4 },
    ]);
    const all = runs.metrics(run.id);
    expect(all.map((m) => m.step)).toEqual([0, 1, 2, 2]);
    expect(Number.isNaN(all.find((m) => m.step === 2 && m.kind === 'train')?.value)).toBe(true);
    expect(all.find((m) => m.kind === 'val')?.value).toBe(Number.POSITIVE_INFINITY);
    expect(runs.metrics(run.id, { sinceStep: 1 }).map((m) => m.kind)).toEqual(['train', 'val']);
    expect(runs.metrics(run.id, { kind: 'bicubic' })).toEqual([{ step: 0, kind: 'bicubic', name: 'psnr', value: 28.4 }]);
  });

  it('tracks checkpoints: latest by step, best by validation PSNR, same step replaced', () => {
    const runs = new RunsRepo(temp.store);
    const run = runs.create({ arch: 'srcnn', scale: 3, config: {} });
    expect(runs.latestCheckpoint(run.id)).toBeUndefined();
    expect(runs.bestCheckpoint(run.id)).toBeUndefined();
    runs.addCheckpoint(run.id, { step: 100, path: 'c/100' });
    expect(runs.bestCheckpoint(run.id)).toEqual({ step: 100, path: 'c/100', valPsnr: null, valSsim: null });
    runs.addCheckpoint(run.id, { step: 200, path: 'c/200', valPsnr: 30.1, valSsim: 0.9 });
    runs.addCheckpoint(run.id, { step: 300, path: 'c/300', valPsnr: 29.9, valSsim: 0.89 });
    expect(runs.latestCheckpoint(run.id)).toEqual({ step: 300, path: 'c/300' });
    expect(runs.bestCheckpoint(run.id)).toEqual({ step: 200, path: 'c/200', valPsnr: 30.1, valSsim: 0.9 });
    runs.addCheckpoint(run.id, { step: 300, path: 'c/300b', valPsnr: 31, valSsim: 0.91 });
    expect(runs.bestCheckpoint(run.id)?.path).toBe('c/300b');

    runs.setBest(run.id, { step: 300, psnr: 31, ssim: 0.91 });
    runs.setModel(run.id, '/state/models/run-1.onnx');
    expect(runs.get(run.id)).toMatchObject({ bestStep: 300, bestPsnr: 31, bestSsim: 0.91, modelPath: '/state/models/run-1.onnx' });
  });

  it('marks crashed running runs interrupted, and deleting a run removes its rows', () => {
    const runs = new RunsRepo(temp.store);
    const run = runs.create({ arch: 'srcnn', scale: 3, config: {} });
    runs.setStatus(run.id, 'running');
    runs.addMetrics(run.id, [{ step: 1, kind: 'train', name: 'loss', value: 1 }]);
    runs.addCheckpoint(run.id, { step: 1, path: 'c/1' });
    expect(runs.markRunningAsInterrupted()).toBe(1);
    expect(runs.get(run.id)?.status).toBe('interrupted');
    temp.store.db.prepare('DELETE FROM runs WHERE id = ?').run(run.id);
    expect(runs.metrics(run.id)).toEqual([]);
    expect(runs.latestCheckpoint(run.id)).toBeUndefined();
  });
});
