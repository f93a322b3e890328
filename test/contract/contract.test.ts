import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ErrorCode } from '../../src/engine/errors.ts';
import {
  buildVerbs,
  ClientMessage,
  CONTRACT_VERSION,
  EVENT_NAMES,
  events,
  HostMessage,
  isMethod,
  METHODS,
  type Method,
  requests,
  subscriptionName,
  WireErrorCode,
} from '../../src/shared/contract/index.ts';

// Compile-time: every engine error code can cross the boundary unchanged (tsc -b fails here if one is missing).
const everyEngineCodeIsAWireCode: WireErrorCode = '' as ErrorCode;
void everyEngineCodeIsAWireCode;

const REQUIRED: Record<string, string[]> = {
  models: ['list', 'import', 'delete'],
  jobs: ['start', 'cancel', 'resume', 'list', 'details'],
  preview: ['tiles'],
  evaluation: ['start'],
  datasets: ['create', 'list', 'show', 'split', 'rescan', 'rm', 'export', 'import', 'thumbnails'],
  training: ['start', 'pause', 'resume', 'cancel', 'runs', 'metrics'],
  settings: ['get', 'set'],
  system: ['info'],
};

describe('the contract lists every request and event in one place', () => {
  it('is versioned with a positive integer', () => {
    expect(Number.isInteger(CONTRACT_VERSION)).toBe(true);
    expect(CONTRACT_VERSION).toBeGreaterThan(0);
  });

  it.each(Object.entries(REQUIRED))('has the %s requests the issue asks for', (namespace, verbs) => {
    for (const verb of verbs) expect(METHODS).toContain(`${namespace}.${verb}`);
  });

  it('gives every request a zod params schema, a zod result schema and a summary', () => {
    for (const method of METHODS) {
      const spec = requests[method];
      expect(spec.params, method).toBeInstanceOf(z.ZodType);
      expect(spec.result, method).toBeInstanceOf(z.ZodType);
      expect(spec.summary.length, method).toBeGreaterThan(5);
      expect(method).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    }
  });

  it('never carries pixels as JSON: no result schema has a byte-array or pixel-data field', () => {
    for (const method of METHODS) {
      const schema = z.toJSONSchema(requests[method].result, { unrepresentable: 'any' });
      expect(pixelCarriers(schema), method).toEqual([]);
    }
    expect(JSON.stringify(z.toJSONSchema(requests['preview.tiles'].result))).toContain('"path"');
  });

  it('rejects unknown keys in params, so typos fail loudly instead of being ignored', () => {
    expect(requests['settings.set'].params.safeParse({ patch: { theem: 'dark' } }).success).toBe(false);
    expect(requests['models.list'].params.safeParse({ all: true }).success).toBe(false);
    expect(requests['jobs.start'].params.safeParse({ inputs: ['/a.png'], outputFolder: '/out', scale: 2 }).success).toBe(true);
    expect(
      requests['jobs.start'].params.safeParse({
        inputs: ['/a.png'],
        outputFolder: '/out',
        scale: 2,
        extra: 1,
      }).success,
    ).toBe(false);
  });

  it('fills defaults on the engine side and keeps them optional for callers', () => {
    const parsed = requests['jobs.start'].params.parse({
      inputs: ['/a.png'],
      outputFolder: '/out',
      model: 'srcnn-x2',
      scale: 2,
    });
    expect(parsed).toMatchObject({ format: 'keep', existing: 'refuse', recursive: false });
    expect(requests['settings.get'].result.parse({ settings: {} }).settings).toMatchObject({
      theme: 'system',
      providers: ['cpu'],
      tileSize: 256,
    });
  });

  it('takes a queued batch with a redis:// or rediss:// URL only, and tries each file 3 times unless told', () => {
    const batch = { inputs: ['/a.png'], outputFolder: '/out' };
    expect(requests['queue.upscale'].params.parse({ batch, url: 'redis://nas:6379' })).toMatchObject({ attempts: 3 });
    expect(requests['queue.upscale'].params.safeParse({ batch, url: 'rediss://:pw@nas:6380', attempts: 5 }).success).toBe(true);
    expect(requests['queue.check'].params.safeParse({ url: 'http://nas:6379' }).success).toBe(false);
    expect(requests['queue.upscale'].params.safeParse({ batch, url: 'redis://nas', attempts: 0 }).success).toBe(false);
  });

  it('bounds sizes: too many inputs, too long paths and NUL bytes are rejected', () => {
    const tooMany = Array.from({ length: 100_001 }, (_, i) => `/p/${i}.png`);
    expect(requests['jobs.start'].params.safeParse({ inputs: tooMany, outputFolder: '/o', model: 'm', scale: 2 }).success).toBe(false);
    expect(requests['models.import'].params.safeParse({ path: `/${'a'.repeat(5000)}` }).success).toBe(false);
    expect(requests['models.import'].params.safeParse({ path: '/a\u0000b.onnx' }).success).toBe(false);
  });

  it('has a schema for every event, and names each event subscription for the preload', () => {
    expect(EVENT_NAMES).toEqual(expect.arrayContaining(['job.progress', 'job.state', 'training.metrics', 'log', 'engine.state']));
    for (const name of EVENT_NAMES) expect(events[name]).toBeInstanceOf(z.ZodType);
    expect(EVENT_NAMES.map(subscriptionName)).toEqual([
      'onJobProgress',
      'onJobState',
      'onQueueWorkers',
      'onTrainingMetrics',
      'onLog',
      'onEngineState',
    ]);
    expect(events['job.progress'].safeParse({ jobId: 'j1', kind: 'upscale', done: 3, total: 10, etaSeconds: null }).success).toBe(true);
    expect(events['job.progress'].safeParse({ jobId: 'j1', kind: 'upscale', done: -1, total: 10, etaSeconds: null }).success).toBe(false);
  });

  it('lists every engine error code as a wire code (runtime check of src/engine/errors.ts)', () => {
    const source = fs.readFileSync(new URL('../../src/engine/errors.ts', import.meta.url), 'utf8');
    const union = source.slice(source.indexOf('export type ErrorCode'), source.indexOf(';', source.indexOf('export type ErrorCode')));
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) expect(WireErrorCode.options, code).toContain(code);
  });
});

describe('wire envelopes', () => {
  it('accepts a well-formed request and cancel, and nothing else', () => {
    expect(ClientMessage.safeParse({ type: 'request', id: 'a1', method: 'system.info', params: {} }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'cancel', id: 'a1' }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'request', id: 'a 1', method: 'system.info', params: {} }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'request', id: 'x'.repeat(65), method: 'system.info', params: {} }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'event', name: 'log', payload: {} }).success).toBe(false);
  });

  it('types host messages, including failed responses with a typed error', () => {
    expect(HostMessage.safeParse({ type: 'response', id: 'a1', ok: false, error: { code: 'NOT_IMPLEMENTED', message: 'x' } }).success).toBe(
      true,
    );
    expect(HostMessage.safeParse({ type: 'response', id: 'a1', ok: false, error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
  });

  it('isMethod accepts contract methods only (no prototype keys)', () => {
    expect(isMethod('system.info')).toBe(true);
    expect(isMethod('toString')).toBe(false);
    expect(isMethod('__proto__')).toBe(false);
  });
});

describe('buildVerbs gives both bridges the same namespaced shape', () => {
  it('maps srs.<namespace>.<verb>(params) onto call(method, params)', async () => {
    const calls: Array<[Method, unknown]> = [];
    const verbs = buildVerbs(METHODS, async (method, params) => {
      calls.push([method, params]);
      return { method };
    });
    await expect(verbs.models.list({})).resolves.toEqual({ method: 'models.list' });
    await verbs.datasets.thumbnails({ id: 'set5', paths: ['/a.png'] });
    expect(calls).toEqual([
      ['models.list', {}],
      ['datasets.thumbnails', { id: 'set5', paths: ['/a.png'] }],
    ]);
    const namespaces = Object.keys(verbs);
    expect(namespaces).toEqual(expect.arrayContaining(Object.keys(REQUIRED)));
  });
});

/**
 * Paths in a JSON schema that could carry pixels: an array of numbers (a pixel or byte array), a base64 or binary
 * string, or a field named like a pixel buffer. Plain strings such as a folder path named `data` are fine.
 */
function pixelCarriers(schema: unknown, at = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const found: string[] = [];
  const items = node.items as Record<string, unknown> | undefined;
  if (node.type === 'array' && items && (items.type === 'number' || items.type === 'integer')) found.push(`${at}: number array`);
  if (node.type === 'string' && (node.contentEncoding === 'base64' || node.format === 'binary')) found.push(`${at}: encoded string`);
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties' && typeof child === 'object' && child !== null) {
      for (const [name, property] of Object.entries(child)) {
        if (/^(pixels|buffer|bytes|base64|rgba?)$/i.test(name)) found.push(`${at}.${name}: pixel-like name`);
        found.push(...pixelCarriers(property, `${at}.${name}`));
      }
    } else if (typeof child === 'object') {
      found.push(...pixelCarriers(child, `${at}/${key}`));
    }
  }
  return found;
}
