import { describe, expect, it } from 'vitest';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { useTempStore } from '../../helpers/store-temp.ts';

describe('JobsRepo', () => {
  const temp = useTempStore();

  it('creates, reads back and lists jobs newest first, filtered by kind', () => {
    const jobs = new JobsRepo(temp.store);
    const a = jobs.create('upscale', { scale: 2, model: 'srcnn' });
    const b = jobs.create('eval', { set: 'set5' });
    const c = jobs.create('upscale', { scale: 4 });
    expect(a).toMatchObject({ kind: 'upscale', status: 'queued', params: { scale: 2, model: 'srcnn' }, error: null });
    expect(new Date(a.createdAt).toISOString()).toBe(a.createdAt);
    expect(jobs.get(b.id)?.params).toEqual({ set: 'set5' });
    expect(jobs.get(9999)).toBeUndefined();
    expect(jobs.list().map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    expect(jobs.list({ kind: 'upscale' }).map((j) => j.id)).toEqual([c.id, a.id]);
    expect(jobs.list({ limit: 1 }).map((j) => j.id)).toEqual([c.id]);
  });

  it('journals items in order and updates them piecewise', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('upscale', {});
    jobs.addItems(job.id, [
      { input: '/in/1.png', output: '/out/1.png' },
      { input: '/in/2.txt', output: null, status: 'skipped', reason: 'not an image' },
    ]);
    jobs.addItems(job.id, [{ input: '/in/3.png', output: '/out/3.png' }]);
    const items = jobs.items(job.id);
    expect(items.map((i) => [i.seq, i.input, i.status])).toEqual([
      [0, '/in/1.png', 'pending'],
      [1, '/in/2.txt', 'skipped'],
      [2, '/in/3.png', 'pending'],
    ]);
    expect(items[1].reason).toBe('not an image');

    jobs.markItem(items[0].id, 'running');
    jobs.markItem(items[0].id, 'done', { width: 640, height: 480, seconds: 1.25 });
    jobs.markItem(items[2].id, 'failed', { error: 'CORRUPT_IMAGE: truncated' });
    const [first, , third] = jobs.items(job.id);
    expect(first).toMatchObject({ status: 'done', width: 640, height: 480, seconds: 1.25, error: null });
    expect(third).toMatchObject({ status: 'failed', error: 'CORRUPT_IMAGE: truncated' });
    expect(jobs.items(job.id, 'pending')).toEqual([]);
    expect(jobs.items(job.id, 'done').map((i) => i.input)).toEqual(['/in/1.png']);
    // Retrying clears the old error only when asked.
    jobs.markItem(third.id, 'pending', { error: null });
    expect(jobs.items(job.id)[2]).toMatchObject({ status: 'pending', error: null });
  });

  it('addItems is one transaction: a bad item leaves none behind', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('upscale', {});
    const bad = { input: '/in/x.png', output: null, status: 'exploded' as 'done' };
    expect(() => jobs.addItems(job.id, [{ input: '/in/ok.png', output: null }, bad])).toThrow();
    expect(jobs.items(job.id)).toEqual([]);
    expect(() => jobs.addItems(12345, [{ input: 'a', output: null }])).toThrowError(/No job with id 12345/);
  });

  it('marks crashed running jobs interrupted and puts their running items back to pending', () => {
    const jobs = new JobsRepo(temp.store);
    const crashed = jobs.create('upscale', {});
    const finished = jobs.create('upscale', {});
    jobs.addItems(crashed.id, [
      { input: 'a', output: 'A' },
      { input: 'b', output: 'B' },
    ]);
    jobs.setStatus(crashed.id, 'running');
    const [a, b] = jobs.items(crashed.id);
    jobs.markItem(a.id, 'done');
    jobs.markItem(b.id, 'running');
    jobs.setStatus(finished.id, 'done');

    expect(jobs.markRunningAsInterrupted()).toBe(1);
    expect(jobs.get(crashed.id)?.status).toBe('interrupted');
    expect(jobs.get(finished.id)?.status).toBe('done');
    expect(jobs.items(crashed.id).map((i) => i.status)).toEqual(['done', 'pending']);
    expect(jobs.markRunningAsInterrupted()).toBe(0);
  });

  it('leaves a job alone while its owner process is alive', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('train', {});
    jobs.setStatus(job.id, 'running');
    // PID 1 always exists: it stands for "another live SR Studio process owns this job".
    temp.store.db.prepare('UPDATE jobs SET owner_pid = 1 WHERE id = ?').run(job.id);
    expect(jobs.markRunningAsInterrupted()).toBe(0);
    expect(jobs.get(job.id)?.status).toBe('running');
  });

  it('setStatus records the failure and rejects unknown ids', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('eval', null);
    jobs.setStatus(job.id, 'failed', 'disk full');
    expect(jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'disk full', params: null });
    expect(() => jobs.setStatus(404, 'done')).toThrowError(/No job with id 404/);
  });
});
