import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRY } from '../../src/engine-host/engine-process.ts';
import { HostMessage, MAX_MESSAGE_BYTES, WireError } from '../../src/shared/contract/index.ts';

/** Talks to a real forked host with raw messages, bypassing the supervisor's typed API. */
let child: ChildProcess;
let stateDir: string;
const inbox: HostMessage[] = [];

function nextMessage(predicate: (m: HostMessage) => boolean, timeoutMs = 10_000): Promise<HostMessage> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const index = inbox.findIndex(predicate);
      if (index >= 0) return resolve(inbox.splice(index, 1)[0]);
      if (Date.now() - started > timeoutMs) return reject(new Error('no matching message from the host'));
      setTimeout(poll, 5);
    };
    poll();
  });
}

const responseTo = (id: string) => (m: HostMessage) => m.type === 'response' && m.id === id;

async function expectAlive(): Promise<void> {
  const id = `alive${Math.random().toString(36).slice(2, 10)}`;
  child.send({ type: 'request', id, method: 'system.ping', params: { echo: id } });
  const answer = await nextMessage(responseTo(id));
  expect(answer).toMatchObject({ ok: true, result: { echo: id, pid: child.pid } });
}

async function errorFor(message: unknown, id?: string): Promise<WireError> {
  child.send(message as never);
  const answer = await nextMessage(id ? responseTo(id) : (m) => m.type === 'protocol-error');
  if (answer.type === 'response' && !answer.ok) return WireError.parse(answer.error);
  if (answer.type === 'protocol-error') return answer.error;
  throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
}

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-fuzz-'));
  child = fork(DEFAULT_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SRSTUDIO_HOME: stateDir, SRSTUDIO_DIAGNOSTICS: '1' },
    serialization: 'json',
  });
  child.on('message', (m) => inbox.push(HostMessage.parse(m)));
  await nextMessage((m) => m.type === 'hello');
});

afterAll(() => {
  child.kill('SIGKILL');
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('the engine host rejects bad messages with typed errors and stays alive', () => {
  it.each([
    ['a bare string', 'hello'],
    ['a number', 42],
    ['null', null],
    ['an array', [1, 2, 3]],
    ['a request with a numeric id', { type: 'request', id: 7, method: 'system.info', params: {} }],
    ['a request with an id full of path characters', { type: 'request', id: '../../etc', method: 'system.info', params: {} }],
  ])('malformed envelope: %s → protocol-error BAD_REQUEST', async (_label, message) => {
    const error = await errorFor(message);
    expect(error.code).toBe('BAD_REQUEST');
    await expectAlive();
  });

  it.each([
    ['an object without type', { id: 'x1', method: 'system.info' }, 'x1'],
    ['an unknown message type', { type: 'launch-missiles', id: 'x2' }, 'x2'],
  ])('malformed envelope with a usable id: %s → BAD_REQUEST response on that id', async (_label, message, id) => {
    const error = await errorFor(message, id);
    expect(error.code).toBe('BAD_REQUEST');
    await expectAlive();
  });

  it('a request with extra envelope keys → BAD_REQUEST on its id', async () => {
    const error = await errorFor({ type: 'request', id: 'extra1', method: 'system.info', params: {}, admin: true }, 'extra1');
    expect(error.code).toBe('BAD_REQUEST');
    await expectAlive();
  });

  it('an unknown method → UNKNOWN_METHOD', async () => {
    const error = await errorFor({ type: 'request', id: 'unk1', method: 'fs.deleteEverything', params: {} }, 'unk1');
    expect(error.code).toBe('UNKNOWN_METHOD');
    await expectAlive();
  });

  it.each([
    ['a string where a number goes', 'settings.set', { patch: { tileSize: 'big' } }, 'params.patch.tileSize'],
    ['an out-of-range number', 'settings.set', { patch: { tileSize: 10 } }, 'params.patch.tileSize'],
    ['an unknown key', 'settings.set', { patch: { evil: 1 } }, 'params.patch'],
    ['an array for params', 'models.delete', ['id'], 'params'],
    ['a model id with a path in it', 'models.delete', { id: '../../secrets' }, 'params.id'],
    ['a path with a NUL byte', 'models.import', { path: '/tmp/a\u0000b' }, 'params.path'],
    [
      'a negative region',
      'preview.tiles',
      { image: '/x.png', region: { x: -1, y: 0, width: 64, height: 64 }, scale: 2, methods: [{ interpolation: 'bicubic' }] },
      'params.region.x',
    ],
  ])('wrong-typed params: %s → BAD_REQUEST naming the field', async (_label, method, params, field) => {
    const id = `p${Math.random().toString(36).slice(2, 10)}`;
    const error = await errorFor({ type: 'request', id, method, params }, id);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.issues?.some((issue) => issue.startsWith(field))).toBe(true);
    await expectAlive();
  });

  it('an oversized message → BAD_REQUEST that says to send paths', async () => {
    const big = 'x'.repeat(MAX_MESSAGE_BYTES + 10);
    const error = await errorFor({ type: 'request', id: 'big1', method: 'system.ping', params: { echo: big } }, 'big1');
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('larger than');
    await expectAlive();
  });

  it('a duplicate id while the first is in flight → BAD_REQUEST, the first still completes', async () => {
    child.send({ type: 'request', id: 'dup1', method: 'diagnostics.sleep', params: { ms: 300 } });
    child.send({ type: 'request', id: 'dup1', method: 'system.ping', params: {} });
    const rejected = await nextMessage(responseTo('dup1'));
    expect(rejected).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const completed = await nextMessage(responseTo('dup1'));
    expect(completed).toMatchObject({ ok: true, result: { sleptMs: expect.any(Number) } });
  });

  it('cancel for an unknown id is ignored', async () => {
    child.send({ type: 'cancel', id: 'never-sent' });
    await expectAlive();
  });

  it('survives 300 random JSON values (seeded) and still answers', async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const atoms = [null, true, false, 0, -1, 1e308, '', 'request', 'cancel', 'system.info', 'settings.set', {}, []];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.4) return atoms[Math.floor(random() * atoms.length)];
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const keys = ['type', 'id', 'method', 'params', 'patch', 'theme', 'x'];
      return Object.fromEntries(keys.filter(() => random() < 0.5).map((k) => [k, value(depth + 1)]));
    };
    for (let i = 0; i < 300; i += 1) {
      const message = value(0);
      // Give some of them a valid envelope so the params validation is fuzzed too.
      child.send(
        (i % 3 === 0
          ? { type: 'request', id: `f${i}`, method: ['settings.set', 'models.delete', 'system.info'][i % 9 === 0 ? 2 : 0], params: message }
          : message) as never,
      );
    }
    await expectAlive();
    const errors = inbox.filter((m) => m.type === 'protocol-error' || (m.type === 'response' && !m.ok));
    expect(errors.length).toBeGreaterThan(150);
    expect(child.exitCode).toBeNull();
  });
});
