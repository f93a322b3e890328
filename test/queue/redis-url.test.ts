import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/engine/queue/redis-connection.ts';
import { parseRedisUrl } from '../../src/engine/queue/redis-target.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { startRedisServer } from '../helpers/redis-server.ts';

/** `--redis` / `--queue` URLs: parsed once, shown without the password, and every way to get them wrong explained. */
const queue = useQueueFixture('redis-url');

describe('parseRedisUrl', () => {
  it('reads host, port, database, TLS and the password, and shows the URL without the password', () => {
    expect(parseRedisUrl('rediss://worker:s3cret@queue.lan:6380/2', '--redis', {})).toEqual({
      host: 'queue.lan',
      port: 6380,
      db: 2,
      tls: true,
      username: 'worker',
      password: 's3cret',
      display: 'rediss://worker@queue.lan:6380/2',
    });
    expect(parseRedisUrl('redis://nas', '--queue', {})).toMatchObject({ port: 6379, db: 0, tls: false, display: 'redis://nas:6379' });
  });

  it('takes the password from SRSTUDIO_REDIS_PASSWORD when the URL has none', () => {
    expect(parseRedisUrl('redis://nas:6379', '--redis', { SRSTUDIO_REDIS_PASSWORD: 'from-env' }).password).toBe('from-env');
    expect(parseRedisUrl('redis://:in-url@nas:6379', '--redis', { SRSTUDIO_REDIS_PASSWORD: 'from-env' }).password).toBe('in-url');
  });

  it.each([
    ['nas:6379', /is not a Redis URL/],
    ['http://:pw@nas:6379', /"http:\/\/:\*\*\*@nas:6379" is not a Redis URL \(it starts with http:\/\/\)/],
    ['redis://nas:6379/x', /"x" is not a database number/],
  ])('refuses %s with BAD_ARGUMENT naming the flag, never echoing a password', (url, message) => {
    expect(() => parseRedisUrl(url, '--redis', {})).toThrow(message);
    try {
      parseRedisUrl(url, '--redis', {});
    } catch (error) {
      expect(error).toMatchObject({ code: 'BAD_ARGUMENT', hint: expect.any(String) });
      expect(String((error as Error).message)).not.toContain(':pw@');
    }
  });
});

describe('checkRedis: what each wrong URL says', () => {
  it('a server that is not Redis (a web server on that port)', async () => {
    const web = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const { port } = web.address() as AddressInfo;
    try {
      await expect(checkRedis(parseRedisUrl(`redis://127.0.0.1:${port}`, '--redis', {}))).rejects.toMatchObject({
        code: 'QUEUE_UNAVAILABLE',
        message: `Something that is not Redis answers at redis://127.0.0.1:${port}`,
      });
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('an unknown host', async () => {
    await expect(checkRedis(parseRedisUrl('redis://no-such-host.invalid:6379', '--redis', {}))).rejects.toMatchObject({
      code: 'QUEUE_UNAVAILABLE',
      message: 'The host of redis://no-such-host.invalid:6379 is unknown',
    });
  });

  it('rediss:// against a server without TLS', async () => {
    const url = queue.redis.url.replace('redis://', 'rediss://');
    await expect(checkRedis(parseRedisUrl(url, '--redis', {}))).rejects.toMatchObject({
      code: 'QUEUE_UNAVAILABLE',
      message: expect.stringContaining(`Could not open a TLS connection to ${url}`),
      hint: expect.stringContaining('tls-port'),
    });
  }, 20_000);

  it('a server that wants a password it was not given; with the password, its version', async () => {
    const locked = await startRedisServer({ password: 'sesame' });
    try {
      const bare = `redis://127.0.0.1:${locked.port}`;
      await expect(checkRedis(parseRedisUrl(bare, '--redis', {}))).rejects.toMatchObject({
        code: 'QUEUE_UNAVAILABLE',
        message: `Redis at ${bare} requires a password`,
        hint: expect.stringContaining('SRSTUDIO_REDIS_PASSWORD'),
      });
      expect((await checkRedis(parseRedisUrl(locked.url, '--redis', {}))).version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await locked.dispose();
    }
  });
});
