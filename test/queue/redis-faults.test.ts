import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli, startCli } from '../helpers/jobs-cli.ts';
import { listTree } from '../helpers/jobs-fs.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { startWorkerProcess } from '../helpers/queue-workers.ts';
import { REFUSED_PORT, type RedisServer, startRedisServer } from '../helpers/redis-server.ts';

/** Redis going away and coming back, Redis never there, and Redis behind a password and TLS: all real. */
const queue = useQueueFixture('redis-faults', { redis: false });
const at = queue.at;
const servers: RedisServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.dispose())));

async function redisServer(options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServer> {
  const server = await startRedisServer(options);
  servers.push(server);
  return server;
}

/** The reference: the same folder upscaled by a local batch, in this process. */
async function localReference(input: string, out: string): Promise<Map<string, Buffer>> {
  const store = openStore(`${out}-state`);
  try {
    await runUpscaleJob({ store, request: { inputs: [input], outDir: out, model: queue.model } });
  } finally {
    store.close();
  }
  return readTree(out);
}

describe('Redis restarted in the middle of a batch', () => {
  it('the worker and the enqueuing CLI reconnect, and the batch completes with the same bytes', async () => {
    const redis = await redisServer();
    await writePhotos(at('restart-in'), 8, { width: 640, height: 480, seed: 40 });
    const reference = await localReference(at('restart-in'), at('restart-local'));

    // A lock longer than the outage, so the file in progress is not also taken over (that case is the kill -9 test).
    const worker = startWorkerProcess(redis.url, { stateDir: at('restart-worker'), lockSeconds: 10 });
    await worker.waitFor(/serving redis:/);
    const batch = startCli(queue.queuedUpscaleArgs(at('restart-in'), at('restart-out'), at('restart-state'), redis.url));
    await worker.waitFor(/wrote \S+photo00_x2\.png/);

    await redis.stop(); // SIGTERM: Redis flushes its append-only file, as a service restart does
    await worker.waitFor(/lost the connection to redis:/);
    await redis.start(); // same port, same data folder
    await worker.waitFor(/reconnected to redis:/);

    const result = await batch.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/8 upscaled, 0 failed/);
    expect(result.stderr).toMatch(/note: Lost the connection to redis:\/\/127\.0\.0\.1:\d+/);
    expect(result.stderr).toMatch(/note: Reconnected to redis:/);
    const queued = readTree(at('restart-out'));
    expect([...queued.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [name, bytes] of reference) expect(queued.get(name)?.equals(bytes), name).toBe(true);
    expect(listTree(at('restart-out')).filter((f) => f.endsWith('.srs-tmp'))).toEqual([]);
  }, 240_000);
});

describe('a Redis URL that does not work', () => {
  it('upscale --queue: exit 2, the URL and what to check, nothing planned or written', async () => {
    await writePhotos(at('nowhere-in'), 1);
    const port = REFUSED_PORT;
    const result = await runCli([
      'upscale',
      at('nowhere-in'),
      '-o',
      at('nowhere-out'),
      '--state',
      at('nowhere-state'),
      '--queue',
      `redis://127.0.0.1:${port}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Nothing answers at redis://127.0.0.1:${port} (connection refused)`);
    expect(result.stderr).toMatch(/→ Check that redis-server runs on that machine/);
    expect(fs.existsSync(at('nowhere-out'))).toBe(false);
  }, 60_000);

  it('worker: exit 2 for an unreachable Redis and for something that is not a Redis URL', async () => {
    const port = REFUSED_PORT;
    const unreachable = await runCli(['worker', '--redis', `redis://127.0.0.1:${port}`, '--state', at('nowhere-worker')]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain(`Nothing answers at redis://127.0.0.1:${port}`);
    const notRedis = await runCli(['worker', '--redis', 'http://127.0.0.1:6379', '--state', at('nowhere-worker')]);
    expect(notRedis.code).toBe(2);
    expect(notRedis.stderr).toMatch(/--redis "http:\/\/127\.0\.0\.1:6379" is not a Redis URL[\s\S]*redis:\/\/HOST:PORT/);
  }, 60_000);
});

describe('rediss:// with a password', () => {
  it('runs a batch over TLS, refuses a wrong password with exit 2, and never prints or stores the password', async () => {
    const password = 'open-sesame-7f3a';
    const redis = await redisServer({ tls: true, password });
    const env = { NODE_EXTRA_CA_CERTS: redis.caFile };
    const withoutPassword = `rediss://127.0.0.1:${redis.port}`;
    await writePhotos(at('tls-in'), 2, { seed: 70 });

    const wrong = await runCli(['worker', '--redis', `rediss://:wrong@127.0.0.1:${redis.port}`, '--state', at('tls-worker')], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`Redis at ${withoutPassword} refused the password`);

    // The worker takes the password from the environment, the enqueuing side from the URL: both are supported.
    const worker = startWorkerProcess(withoutPassword, {
      stateDir: at('tls-worker'),
      env: { ...env, SRSTUDIO_REDIS_PASSWORD: password },
    });
    await worker.waitFor(/serving rediss:/);
    const result = await runCli([...queue.queuedUpscaleArgs(at('tls-in'), at('tls-out'), at('tls-state'), redis.url), '--json'], {
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.ok).toBe(2);
    expect(doc.queue).toBe(withoutPassword);
    expect(`${result.stdout}${result.stderr}${worker.log()}`).not.toContain(password);
    const db = new Database(path.join(at('tls-state'), 'srstudio.db'), { readonly: true });
    try {
      const params = (db.prepare('SELECT params FROM jobs').all() as { params: string }[]).map((r) => r.params).join('\n');
      expect(params).toContain(withoutPassword);
      expect(params).not.toContain(password);
    } finally {
      db.close();
    }
  }, 180_000);
});
