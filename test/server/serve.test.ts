import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { CONTRACT_VERSION, HostMessage } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';

let engine: Harness;
let server: RunningServer;
let base: string;
let root: string;
let origin: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

const cookie = () => ({ cookie: `srs_token=${server.token}` });

/** Resolves with the HTTP status the upgrade was refused with, or 101 when it was accepted. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

function openSocket(): Promise<{ socket: WebSocket; inbox: HostMessage[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { origin, headers: cookie() });
    const inbox: HostMessage[] = [];
    socket.on('message', (data) => inbox.push(HostMessage.parse(JSON.parse(data.toString()))));
    socket.on('open', () => resolve({ socket, inbox }));
    socket.on('error', reject);
  });
}

async function nextMatching(inbox: HostMessage[], predicate: (m: HostMessage) => boolean): Promise<HostMessage> {
  await expect.poll(() => inbox.some(predicate), { timeout: 10_000 }).toBe(true);
  return inbox.splice(inbox.findIndex(predicate), 1)[0];
}

beforeAll(async () => {
  engine = await startEngine();
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-serve-'));
  const rendererDir = path.join(base, 'renderer');
  root = path.join(base, 'photos');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.mkdirSync(path.join(root, 'holiday'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>SR Studio</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'holiday', 'beach.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  fs.writeFileSync(path.join(base, 'secret.png'), 'secret');
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    supervisor: engine.supervisor,
    rendererDir,
    roots: [root],
    stateDir: engine.stateDir,
  });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await engine.dispose();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('srstudio serve: authentication', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses a request without the token (401)', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain('SR Studio');
  });

  it('refuses a wrong token (401), also as a cookie', async () => {
    expect((await get('/?token=not-the-token')).status).toBe(401);
    expect((await get('/', { cookie: 'srs_token=not-the-token' })).status).toBe(401);
    expect((await get(`/?token=${server.token.slice(0, -1)}`)).status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly SameSite=Strict cookie and strips it from the address', async () => {
    const reply = await get(`/?token=${server.token}`);
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    expect(reply.headers['set-cookie']?.[0]).toMatch(/srs_token=.+; HttpOnly; SameSite=Strict; Path=\//);
  });

  it('serves the renderer with a strict CSP once authenticated', async () => {
    const page = await get('/', cookie());
    expect(page.status).toBe(200);
    expect(page.body).toContain('SR Studio');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const script = await get('/assets/app.js', cookie());
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect((await get('/assets/missing.js', cookie())).status).toBe(404);
    expect((await get('/%2e%2e/secret.png', cookie())).body).not.toContain('secret');
  });

  it('refuses a foreign Origin (403) and a foreign Host (DNS rebinding, 403) even with the right token', async () => {
    expect((await get('/', { ...cookie(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/', { ...cookie(), host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('refuses WebSocket upgrades without the token, with a wrong one, and from a foreign Origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    expect(await upgradeStatus(ws, { origin })).toBe(401);
    expect(await upgradeStatus(`${ws}?token=wrong`, { origin })).toBe(401);
    expect(await upgradeStatus(ws, { origin: 'http://evil.example', headers: cookie() })).toBe(403);
    expect(await upgradeStatus(`${ws}?token=${server.token}`, { origin: 'https://127.0.0.1.evil.example' })).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other`, { origin, headers: cookie() })).toBe(403);
    expect(await upgradeStatus(ws, { origin, headers: cookie() })).toBe(101);
  });
});

describe('srstudio serve: the contract over the WebSocket', () => {
  it('says hello, answers system.info from the forked engine, and rejects malformed messages without dropping the socket', async () => {
    const { socket, inbox } = await openSocket();
    const hello = await nextMatching(inbox, (m) => m.type === 'hello');
    expect(hello).toMatchObject({ contractVersion: CONTRACT_VERSION, pid: engine.supervisor.pid });

    socket.send(JSON.stringify({ type: 'request', id: 'w1', method: 'system.info', params: {} }));
    const info = await nextMatching(inbox, (m) => m.type === 'response' && m.id === 'w1');
    expect(info).toMatchObject({ ok: true, result: { engine: { pid: engine.supervisor.pid }, cpu: { logicalCores: expect.any(Number) } } });

    socket.send('not json');
    expect(await nextMatching(inbox, (m) => m.type === 'protocol-error')).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    socket.send(JSON.stringify({ type: 'request', id: 'w2', method: 'settings.set', params: { patch: { theme: 'neon' } } }));
    expect(await nextMatching(inbox, (m) => m.type === 'response' && m.id === 'w2')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    socket.send(JSON.stringify({ type: 'request', id: 'w3', method: 'diagnostics.sleep', params: { ms: 30_000 } }));
    socket.send(JSON.stringify({ type: 'cancel', id: 'w3' }));
    expect(await nextMatching(inbox, (m) => m.type === 'response' && m.id === 'w3')).toMatchObject({
      ok: false,
      error: { code: 'CANCELLED' },
    });

    socket.send(
      JSON.stringify({ type: 'request', id: 'w4', method: 'diagnostics.progressBurst', params: { jobId: 'diag-ws', count: 50_000 } }),
    );
    await nextMatching(inbox, (m) => m.type === 'response' && m.id === 'w4');
    await nextMatching(inbox, (m) => m.type === 'event' && m.name === 'job.state' && (m.payload as { state: string }).state === 'done');
    const progress = inbox.filter((m) => m.type === 'event' && m.name === 'job.progress');
    expect(progress.length).toBeLessThan(100);
    socket.close();
  });

  it('rejects a message over the size limit by closing that socket, and the server keeps serving others', async () => {
    const { socket } = await openSocket();
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'request', id: 'big', method: 'system.ping', params: { echo: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    const other = await openSocket();
    other.socket.send(JSON.stringify({ type: 'request', id: 'p1', method: 'system.ping', params: {} }));
    expect(await nextMatching(other.inbox, (m) => m.type === 'response' && m.id === 'p1')).toMatchObject({ ok: true });
    other.socket.close();
  });
});

describe('srstudio serve: files only under --root', () => {
  it('browses the roots and their folders, never outside', async () => {
    const top = JSON.parse((await get('/api/browse', cookie())).body);
    expect(top.entries).toEqual([{ name: root, path: root, kind: 'folder' }]);
    const inside = JSON.parse((await get(`/api/browse?path=${encodeURIComponent(root)}`, cookie())).body);
    expect(inside.entries.map((e: { name: string }) => e.name)).toEqual(['holiday']);
    const holiday = JSON.parse((await get(`/api/browse?path=${encodeURIComponent(path.join(root, 'holiday'))}`, cookie())).body);
    expect(holiday).toMatchObject({ parent: root, entries: [{ name: 'beach.png', kind: 'image' }] });
    expect((await get(`/api/browse?path=${encodeURIComponent(base)}`, cookie())).status).toBe(403);
    expect((await get(`/api/browse?path=${encodeURIComponent(`${root}/../`)}`, cookie())).status).toBe(403);
    expect((await get('/api/browse?path=/etc', cookie())).status).toBe(403);
  });

  it('serves images under a root and refuses others', async () => {
    const ok = await get(`/api/image?path=${encodeURIComponent(path.join(root, 'holiday', 'beach.png'))}`, cookie());
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect((await get(`/api/image?path=${encodeURIComponent(path.join(base, 'secret.png'))}`, cookie())).status).toBe(403);
    expect((await get(`/api/image?path=${encodeURIComponent(`${root}/../secret.png`)}`, cookie())).status).toBe(403);
    expect((await get(`/api/image?path=${encodeURIComponent(path.join(root, 'holiday', 'beach.png'))}`)).status).toBe(401);
  });
});
