import net from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { SrError } from '../errors.ts';
import { PASSWORD_ENV, type RedisTarget } from './redis-target.ts';

/** ioredis options that BullMQ's own (narrower) option type accepts too: always with a retry strategy. */
export type ConnectionOptions = RedisOptions & { retryStrategy: (times: number) => number | null };

/** How long the first connection may take before the command gives up and says so. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * ioredis options for a target. With `reconnect` (workers, watchers, BullMQ's own connections) a lost connection is
 * retried forever, every 0.25-2 s, and commands wait for it: a Redis restart pauses the fleet instead of failing it.
 * Without (the first check) the first failure is final, so a wrong URL is reported at once.
 */
export function redisOptions(target: RedisTarget, { reconnect }: { reconnect: boolean }): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    username: target.username,
    password: target.password,
    // Node's TLS: the system CAs plus NODE_EXTRA_CA_CERTS, and the host name checked against the certificate.
    tls: target.tls ? (net.isIP(target.host) ? {} : { servername: target.host }) : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnect ? (times) => Math.min(250 * times, 2000) : () => null,
    // BullMQ requires null for its blocking connections; the check wants a failure, not a wait.
    maxRetriesPerRequest: reconnect ? null : 0,
    enableOfflineQueue: reconnect,
    lazyConnect: !reconnect,
  };
}

/**
 * Connects once and asks the server for its version: proof that the URL, the password and TLS are right before a
 * worker starts or a batch is planned. Every way this fails is an SrError (QUEUE_UNAVAILABLE) naming the URL and what
 * to check; the CLI exits 2 on it.
 */
export async function checkRedis(target: RedisTarget): Promise<{ version: string }> {
  const client = new Redis(redisOptions(target, { reconnect: false }));
  let lastError: unknown;
  // Reported through the rejected promise below; without a listener ioredis would print it too.
  client.on('error', (error) => {
    lastError = error;
  });
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const major = Number(version.split('.')[0]);
    if (Number.isFinite(major) && major < 6) {
      throw new SrError(
        'QUEUE_UNAVAILABLE',
        `The Redis server at ${target.display} is version ${version}; the queue needs Redis 6.2 or newer`,
        'Upgrade redis-server on that machine (Debian: apt-get install redis-server).',
      );
    }
    return { version };
  } catch (error) {
    if (error instanceof SrError) throw error;
    throw queueUnavailable(target, lastError ?? error);
  } finally {
    client.disconnect();
  }
}

/** Turns a connection failure into what a person can check: the server, the address, the password, TLS. */
export function queueUnavailable(target: RedisTarget, error: unknown): SrError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = String((error as Error | undefined)?.message ?? error);
  const where = target.display;
  const cause = { cause: error };
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    const given = target.password !== undefined;
    return new SrError(
      'QUEUE_UNAVAILABLE',
      given ? `Redis at ${where} refused the password` : `Redis at ${where} requires a password`,
      `Put it in the URL (redis://:PASSWORD@HOST:PORT) or in $${PASSWORD_ENV}; check requirepass in that server's redis.conf.`,
      undefined,
      cause,
    );
  }
  if (code === 'ECONNREFUSED') {
    return new SrError(
      'QUEUE_UNAVAILABLE',
      `Nothing answers at ${where} (connection refused)`,
      'Check that redis-server runs on that machine and listens on that port (bind/protected-mode in redis.conf), and that the URL is right.',
      undefined,
      cause,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SrError(
      'QUEUE_UNAVAILABLE',
      `The host of ${where} is unknown`,
      'Check the host name in the URL, or use the IP address.',
      undefined,
      cause,
    );
  }
  if (/Unknown RESP type|Protocol error/i.test(text)) {
    return new SrError(
      'QUEUE_UNAVAILABLE',
      `Something that is not Redis answers at ${where}`,
      'Check the port: it may belong to a web server or a proxy. Redis listens on 6379 unless redis.conf says otherwise.',
      undefined,
      cause,
    );
  }
  if (target.tls && (code === 'ETIMEDOUT' || /timed? ?out|ECONNRESET|SSL|TLS|certificate|wrong version number/i.test(text))) {
    return new SrError(
      'QUEUE_UNAVAILABLE',
      `Could not open a TLS connection to ${where}: ${text}`,
      'rediss:// needs a server with tls-port set (redis:// talks plain TCP). For a private CA, set NODE_EXTRA_CA_CERTS=/path/ca.pem.',
      undefined,
      cause,
    );
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(text)) {
    return new SrError(
      'QUEUE_UNAVAILABLE',
      `No answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`,
      'Check the host and port, and that no firewall drops the connection on the way.',
      undefined,
      cause,
    );
  }
  return new SrError(
    'QUEUE_UNAVAILABLE',
    `Could not use the queue at ${where}: ${text}`,
    'Check that redis-server runs there and that the URL is right.',
    undefined,
    cause,
  );
}
