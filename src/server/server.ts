import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { confirmRealPath, IMAGE_EXTENSIONS, resolveUnderRoots } from '../engine/path-policy.ts';
import type { EngineSupervisor } from '../engine-host/supervisor.ts';
import { MAX_MESSAGE_BYTES } from '../shared/contract/index.ts';
import { type AuthPolicy, allowedHostsFor, authorize, newToken, tokenCookie } from './auth.ts';
import { browse } from './browse.ts';
import { rendererFile, securityHeaders, sendFile, sendStatus } from './static-files.ts';
import { relaySocket } from './ws-relay.ts';

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  supervisor: EngineSupervisor;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** Folders the browser may browse and load images from. */
  roots: readonly string[];
  /** The engine's state folder: thumbnails and preview tiles are served from it. */
  stateDir: string;
  token?: string;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** `srstudio serve`: the renderer over HTTP and the contract over a WebSocket, both behind the token. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const roots = options.roots.map((root) => path.resolve(root));
  const imageRoots = [...roots, path.resolve(options.stateDir)];
  const allowedHosts = new Set<string>();
  const policy: AuthPolicy = { token, allowedHosts };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://server.invalid');
    const auth = authorize(request, url, policy);
    if (!auth.ok)
      return sendStatus(
        response,
        auth.status,
        auth.status === 401 ? 'Unauthorized: open the URL that srstudio serve printed.' : `Forbidden: ${auth.reason}`,
      );
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendStatus(response, 405, 'Method not allowed');
    if (auth.viaQuery) {
      // Trade the token in the URL for a cookie, and drop it from the address bar and the history.
      url.searchParams.delete('token');
      response.writeHead(303, { location: url.pathname + url.search, 'set-cookie': tokenCookie(token), ...securityHeaders() });
      return response.end();
    }
    if (url.pathname === '/api/browse') {
      const result = browse(url.searchParams.get('path'), roots);
      response.writeHead(result.ok ? 200 : result.status, { 'content-type': 'application/json', ...securityHeaders() });
      return response.end(JSON.stringify(result));
    }
    if (url.pathname === '/api/image') {
      const lexical = resolveUnderRoots(url.searchParams.get('path') ?? '', imageRoots, { extensions: IMAGE_EXTENSIONS });
      const real = lexical.ok ? confirmRealPath(lexical.path, imageRoots, fs.realpathSync) : lexical;
      if (!real.ok) return sendStatus(response, 403, `Forbidden: ${real.reason}`);
      return sendFile(response, real.path, { 'cache-control': 'private, max-age=60' });
    }
    const file = rendererFile(options.rendererDir, url.pathname);
    if (!file) return sendStatus(response, 404, 'Not found (build the UI first: npx electron-vite build)');
    sendFile(response, file);
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://server.invalid');
    const auth =
      url.pathname === '/ws' ? authorize(request, url, policy) : ({ ok: false, status: 403, reason: 'not the WebSocket path' } as const);
    if (!auth.ok) {
      socket.end(
        `HTTP/1.1 ${auth.status} ${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => relaySocket(ws, options.supervisor));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  for (const host of allowedHostsFor(options.host, port)) allowedHosts.add(host);
  const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${displayHost}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
