import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forkSpawner } from '../../src/engine-host/engine-process.ts';
import { EngineSupervisor } from '../../src/engine-host/supervisor.ts';
import { ContractError, type EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine, waitForState } from '../helpers/engine-host-harness.ts';

let engine: Harness | undefined;
afterEach(async () => {
  await engine?.dispose();
  engine = undefined;
});

describe('the supervisor survives an engine crash (real fork, kill -9)', () => {
  it('fails the request in flight with ENGINE_CRASHED, marks the running job interrupted, restarts, and serves again', async () => {
    engine = await startEngine();
    const { supervisor } = engine;
    const states: string[] = [];
    const jobStates: EventPayload<'job.state'>[] = [];
    supervisor.on('engine.state', (e) => states.push(e.state));
    supervisor.on('job.state', (e) => jobStates.push(e));

    const firstPid = supervisor.pid!;
    const inFlight = supervisor.request('diagnostics.sleep', { ms: 60_000, jobId: 'diag-crash' });
    await expect.poll(() => jobStates.some((e) => e.state === 'running')).toBe(true);
    process.kill(firstPid, 'SIGKILL');

    const error = await inFlight.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('ENGINE_CRASHED');
    expect((error as ContractError).message).toContain('SIGKILL');
    expect(jobStates.at(-1)).toMatchObject({ jobId: 'diag-crash', state: 'interrupted', error: { code: 'ENGINE_CRASHED' } });

    // A request made while it restarts waits for the new engine instead of failing.
    const info = await supervisor.request('system.info', {});
    expect(info.engine.pid).not.toBe(firstPid);
    expect(supervisor.engineState).toBe('ready');
    expect(states).toEqual(expect.arrayContaining(['crashed', 'restarting', 'starting', 'ready']));
    expect(states.indexOf('crashed')).toBeLessThan(states.lastIndexOf('ready'));
  });

  it('backs off between repeated crashes and keeps counting restarts', async () => {
    engine = await startEngine({ initialBackoffMs: 100 });
    const { supervisor } = engine;
    const restarting: EventPayload<'engine.state'>[] = [];
    supervisor.on('engine.state', (e) => {
      if (e.state === 'restarting') restarting.push(e);
    });
    for (let crash = 0; crash < 2; crash += 1) {
      process.kill(supervisor.pid!, 'SIGKILL');
      await waitForState(supervisor, 'restarting');
      await waitForState(supervisor, 'ready');
    }
    expect(restarting.map((e) => e.message)).toEqual(['Restarting in 100 ms.', 'Restarting in 200 ms.']);
    expect(restarting.at(-1)?.restarts).toBe(2);
    expect((await supervisor.request('system.ping', {})).pid).toBe(supervisor.pid);
  });

  it('gives up on an engine that dies before saying hello, instead of restarting it forever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-broken-'));
    const entry = path.join(dir, 'broken-host.mjs');
    fs.writeFileSync(entry, 'process.exit(3);\n');
    const supervisor = new EngineSupervisor({ spawn: forkSpawner({ entry }), initialBackoffMs: 10, maxFailedStarts: 3 });
    const starts: string[] = [];
    supervisor.on('engine.state', (e) => starts.push(e.state));
    try {
      await expect(supervisor.start()).rejects.toMatchObject({
        code: 'ENGINE_UNAVAILABLE',
        message: expect.stringContaining('3 times while starting'),
      });
      expect(supervisor.engineState).toBe('stopped');
      expect(starts.filter((s) => s === 'starting')).toHaveLength(3);
      await expect(supervisor.request('system.ping', {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    } finally {
      await supervisor.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after stop(), requests fail with ENGINE_UNAVAILABLE instead of hanging', async () => {
    engine = await startEngine();
    await engine.supervisor.stop();
    await expect(engine.supervisor.request('system.ping', {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });
});
