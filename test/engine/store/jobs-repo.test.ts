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

  it('claim takes a job in one of the given states for this process, and leaves every other job as it is', () => {
    const jobs = new JobsRepo(temp.store);
    const queued = jobs.create('upscale', {});
    const claim = jobs.claim(queued.id, ['queued', 'interrupted']);
    expect(claim).toMatchObject({ claimed: true, job: { id: queued.id, status: 'running', ownerPid: process.pid, error: null } });
    expect(jobs.get(queued.id)).toMatchObject({ status: 'running', ownerPid: process.pid });

    const finished = jobs.create('upscale', {});
    jobs.setStatus(finished.id, 'done');
    expect(jobs.claim(finished.id, ['queued', 'interrupted'])).toMatchObject({ claimed: false, job: { status: 'done', ownerPid: null } });
    // A state outside `from` is refused even when it is resumable elsewhere.
    const cancelled = jobs.create('upscale', {});
    jobs.setStatus(cancelled.id, 'cancelled');
    expect(jobs.claim(cancelled.id, ['queued']).claimed).toBe(false);
    expect(jobs.get(cancelled.id)?.status).toBe('cancelled');
    expect(() => jobs.claim(404, ['queued'])).toThrowError(/No job with id 404/);
  });

  it('claim refuses a job another live process runs, and names that process', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('upscale', {});
    jobs.addItems(job.id, [{ input: 'a', output: 'A' }]);
    jobs.setStatus(job.id, 'running');
    const [item] = jobs.items(job.id);
    jobs.markItem(item.id, 'running');
    // PID 1 always exists: another SR Studio process that is running this job right now.
    temp.store.db.prepare('UPDATE jobs SET owner_pid = 1 WHERE id = ?').run(job.id);
    const before = jobs.get(job.id);

    expect(jobs.claim(job.id, ['queued', 'interrupted', 'cancelled', 'running'])).toEqual({ claimed: false, job: before });
    expect(jobs.get(job.id)).toEqual(before);
    expect(jobs.items(job.id)[0].status).toBe('running');
  });

  it('claim takes over a job whose owner died, putting its running items back to pending', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('upscale', {});
    jobs.addItems(job.id, [
      { input: 'a', output: 'A' },
      { input: 'b', output: 'B' },
    ]);
    jobs.setStatus(job.id, 'running', 'old error');
    const [a, b] = jobs.items(job.id);
    jobs.markItem(a.id, 'done');
    jobs.markItem(b.id, 'running');
    // A pid above the kernel's pid_max (2^22) cannot be alive: the owner crashed.
    const deadPid = 2 ** 22 + 12345;
    temp.store.db.prepare('UPDATE jobs SET owner_pid = ? WHERE id = ?').run(deadPid, job.id);
    expect(jobs.get(job.id)?.ownerPid).toBe(deadPid);

    // No start-up clean-up needed first: the claim itself sees the dead owner.
    const claim = jobs.claim(job.id, ['interrupted']);
    expect(claim).toMatchObject({ claimed: true, job: { status: 'running', ownerPid: process.pid, error: null } });
    expect(jobs.items(job.id).map((i) => i.status)).toEqual(['done', 'pending']);
  });

  it('atomically writes a job with its items and its claim as one transaction, or nothing', () => {
    const jobs = new JobsRepo(temp.store);
    const made = jobs.atomically(() => {
      const job = jobs.create('upscale', {});
      jobs.addItems(job.id, [{ input: 'a', output: 'A' }]);
      return jobs.claim(job.id, ['queued']);
    });
    expect(made).toMatchObject({ claimed: true, job: { status: 'running', ownerPid: process.pid } });
    expect(jobs.items(made.job.id)).toHaveLength(1);

    expect(() =>
      jobs.atomically(() => {
        const job = jobs.create('upscale', { doomed: true });
        jobs.addItems(job.id, [{ input: 'b', output: 'B' }]);
        throw new Error('planning failed half-way');
      }),
    ).toThrowError(/half-way/);
    expect(jobs.list().map((j) => j.id)).toEqual([made.job.id]);
    expect(temp.store.db.prepare('SELECT COUNT(*) AS n FROM job_items').get()).toEqual({ n: 1 });
  });

  it('setStatus records the failure and rejects unknown ids', () => {
    const jobs = new JobsRepo(temp.store);
    const job = jobs.create('eval', null);
    jobs.setStatus(job.id, 'failed', 'disk full');
    expect(jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'disk full', params: null });
    expect(() => jobs.setStatus(404, 'done')).toThrowError(/No job with id 404/);
  });
});
