import { SrError } from '../errors.ts';

/** Where the queue lives, parsed once from `--redis` / `--queue`. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  /** From the URL, else from $SRSTUDIO_REDIS_PASSWORD. Never printed, logged or stored. */
  password?: string;
  /** The URL without its password: what messages, logs and the journal show. */
  display: string;
}

/** Read when the URL carries no password, so a secret need not appear on a command line (visible in `ps`). */
export const PASSWORD_ENV = 'SRSTUDIO_REDIS_PASSWORD';

const EXAMPLE = 'e.g. redis://nas.local:6379, rediss://queue.lan:6380 for TLS, redis://:PASSWORD@host:6379';

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). Anything else is a BAD_ARGUMENT that
 * names the flag and shows the expected form, before any connection is tried.
 */
export function parseRedisUrl(text: string, flag: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SrError('BAD_ARGUMENT', `${flag} "${text}" is not a Redis URL`, `Give redis://HOST:PORT (${EXAMPLE}).`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new SrError(
      'BAD_ARGUMENT',
      `${flag} "${redact(text)}" is not a Redis URL (it starts with ${url.protocol}//)`,
      `Give redis://HOST:PORT (${EXAMPLE}).`,
    );
  }
  if (!url.hostname) throw new SrError('BAD_ARGUMENT', `${flag} "${redact(text)}" names no host`, `Give redis://HOST:PORT (${EXAMPLE}).`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new SrError('BAD_ARGUMENT', `${flag} "${redact(text)}": "${dbText}" is not a database number`, 'Use /0 … /15, or leave it out.');
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : env[PASSWORD_ENV] || undefined;
  const tls = url.protocol === 'rediss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const auth = username ? `${encodeURIComponent(username)}@` : '';
  const display = `${url.protocol}//${auth}${url.hostname}:${port}${db === 0 ? '' : `/${db}`}`;
  return { host, port, db, tls, username, password, display };
}

/** A URL as typed, with any password replaced, for messages about a URL that did not even parse. */
function redact(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
