import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { confirmRealPath, resolveUnderRoots } from '../engine/path-policy.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The same CSP as the Electron window, plus the WebSocket back to this server. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': WEB_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function sendFile(response: ServerResponse, file: string, extraHeaders: Record<string, string> = {}): void {
  const stream = fs.createReadStream(file);
  stream.once('open', () => {
    response.writeHead(200, { 'content-type': contentTypeOf(file), 'cache-control': 'no-cache', ...securityHeaders(), ...extraHeaders });
    stream.pipe(response);
  });
  stream.once('error', () => sendStatus(response, 404, 'Not found'));
}

export function sendStatus(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() });
  response.end(`${text}\n`);
}

/** A file of the built renderer; unknown paths fall back to index.html (client-side navigation). */
export function rendererFile(rendererDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = path.join(rendererDir, relative);
  const decision = resolveUnderRoots(candidate, [rendererDir]);
  if (decision.ok && decoded.split('/').every((s) => s !== '..')) {
    const real = confirmRealPath(decision.path, [rendererDir], fs.realpathSync);
    if (real.ok && fs.statSync(real.path).isFile()) return real.path;
    if (path.extname(relative) !== '') return undefined;
  }
  const index = path.join(rendererDir, 'index.html');
  return fs.existsSync(index) ? index : undefined;
}
