import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * `srstudio serve` trusts only requests that carry its random token (query `?token=` once, then an HttpOnly
 * SameSite=Strict cookie) and that come from its own origin. The Host check defeats DNS rebinding; the Origin check
 * stops other web pages (which cannot read the cookie, but could make a browser send it) from talking to the engine.
 */
export const TOKEN_COOKIE = 'srs_token';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function sameToken(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export type AuthResult = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export interface AuthPolicy {
  token: string;
  /** `host:port` values this server answers to, e.g. `127.0.0.1:5173`, `localhost:5173`. */
  allowedHosts: ReadonlySet<string>;
}

export function allowedHostsFor(host: string, port: number): Set<string> {
  const hosts = new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (host.includes(':') && !host.startsWith('[')) hosts.add(`[${host}]:${port}`);
  return hosts;
}

export function authorize(request: IncomingMessage, url: URL, policy: AuthPolicy): AuthResult {
  const host = request.headers.host;
  if (!host || !policy.allowedHosts.has(host.toLowerCase())) return { ok: false, status: 403, reason: 'unexpected Host header' };
  const origin = request.headers.origin;
  // Browsers send Origin on WebSocket upgrades and cross-site requests; when present it must be ours.
  if (origin !== undefined) {
    let originHost: string;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'http:' ? parsed.host : '';
    } catch {
      originHost = '';
    }
    if (!policy.allowedHosts.has(originHost.toLowerCase())) return { ok: false, status: 403, reason: 'foreign Origin' };
  }
  const fromQuery = url.searchParams.get('token') ?? undefined;
  if (sameToken(policy.token, fromQuery)) return { ok: true, viaQuery: true };
  if (sameToken(policy.token, cookieValue(request.headers.cookie, TOKEN_COOKIE))) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: fromQuery || request.headers.cookie ? 'wrong token' : 'missing token' };
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
