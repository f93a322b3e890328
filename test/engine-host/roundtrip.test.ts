import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTempFileName } from '../../src/engine/imaging/atomic-write.ts';
import { handlers } from '../../src/engine-host/handlers/index.ts';
import { CONTRACT_VERSION, ContractError, type EventPayload, METHODS, SystemInfo } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

let engine: Harness;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.dispose();
});

async function errorOf(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('contract round trips through a real forked engine host', () => {
  it('answers system.info with providers, cores and memory that pass the contract schema', async () => {
    const info = await engine.supervisor.request('system.info', {});
    expect(SystemInfo.parse(info)).toEqual(info);
    expect(info.contractVersion).toBe(CONTRACT_VERSION);
    expect(info.engine.pid).toBe(engine.supervisor.pid);
    expect(info.engine.pid).not.toBe(process.pid);
    expect(info.providers.map((p) => p.name)).toContain('cpu');
    expect(info.providers.find((p) => p.name === 'cpu')?.usable).toBe(true);
    // A provider SR Studio never runs models on (onnxruntime-node lists webgpu and tensorrt) is never shown usable.
    const offered = new Set(['cpu', 'cuda', 'dml', 'coreml']);
    for (const other of info.providers.filter((p) => !offered.has(p.name))) {
      expect({ name: other.name, usable: other.usable, reason: other.reason }).toEqual({
        name: other.name,
        usable: false,
        reason: expect.stringMatching(/SR Studio does not run models on it|does not bundle/),
      });
    }
    expect(info.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(info.memory.totalBytes).toBeGreaterThan(info.memory.freeBytes);
    expect(info.stateDir).toBe(engine.stateDir);
  });

  it('saves settings atomically in the state folder and reads them back with defaults', async () => {
    const before = await engine.supervisor.request('settings.get', {});
    expect(before.settings.theme).toBe('system');
    const after = await engine.supervisor.request('settings.set', { patch: { theme: 'dark', tileSize: 512 } });
    expect(after.settings).toMatchObject({ theme: 'dark', tileSize: 512, outputFormat: 'keep' });
    const onDisk = JSON.parse(fs.readFileSync(path.join(engine.stateDir, 'settings.json'), 'utf8'));
    expect(onDisk).toMatchObject({ theme: 'dark', tileSize: 512 });
    expect(fs.readdirSync(engine.stateDir).filter((f) => f.endsWith('.tmp') || isTempFileName(f))).toEqual([]);
  });

  it('imports a real ONNX model into the zoo, lists it with its metadata, and deletes it', async () => {
    const source = await writeTinyModel(path.join(engine.stateDir, 'incoming'), 'rgb-lr', { id: 'tiny-rgb', scale: 2 });
    const imported = await engine.supervisor.request('models.import', { path: source, id: 'tiny-rgb-x2', name: 'Tiny RGB' });
    expect(imported.model).toMatchObject({ origin: 'user', meta: { id: 'tiny-rgb-x2', name: 'Tiny RGB', scale: 2, colorMode: 'rgb' } });
    expect(imported.model.sizeBytes).toBe(fs.statSync(imported.model.path).size);

    const listed = await engine.supervisor.request('models.list', {});
    const ours = listed.models.find((m) => m.meta.id === 'tiny-rgb-x2');
    expect(ours).toMatchObject({ origin: 'user', isDefault: false, path: imported.model.path });

    expect(await engine.supervisor.request('models.delete', { id: 'tiny-rgb-x2' })).toEqual({ deleted: true });
    expect((await engine.supervisor.request('models.list', {})).models.some((m) => m.meta.id === 'tiny-rgb-x2')).toBe(false);
    const error = await errorOf(engine.supervisor.request('models.delete', { id: 'tiny-rgb-x2' }));
    expect(error.code).toBe('UNKNOWN_MODEL');
    expect(error.hint).toBeTruthy();
  });

  it('creates a data set from a folder, lists it, shows its images, and removes it', async () => {
    const folder = path.join(engine.stateDir, 'photos');
    fs.mkdirSync(folder, { recursive: true });
    for (const [name, shade] of [
      ['one.png', 40],
      ['two.png', 200],
    ] as const) {
      await sharp({ create: { width: 48, height: 40, channels: 3, background: { r: shade, g: 90, b: 255 - shade } } })
        .png()
        .toFile(path.join(folder, name));
    }
    const created = await engine.supervisor.request('datasets.create', { name: 'tiny-set', paths: [folder] });
    expect(created).toMatchObject({ added: 2, skipped: 0, dataset: { name: 'tiny-set', roots: [folder], imageCount: 2, status: 'ready' } });
    const { datasets } = await engine.supervisor.request('datasets.list', {});
    expect(datasets.map((d) => d.name)).toEqual(['tiny-set']);
    const shown = await engine.supervisor.request('datasets.show', { id: created.dataset.id });
    expect(shown.images.map((i) => [path.basename(i.path), i.width, i.height]).sort()).toEqual([
      ['one.png', 48, 40],
      ['two.png', 48, 40],
    ]);
    expect(await engine.supervisor.request('datasets.rm', { id: created.dataset.id })).toEqual({ removed: true });
    expect((await engine.supervisor.request('datasets.list', {})).datasets).toEqual([]);
    expect(fs.existsSync(path.join(folder, 'one.png'))).toBe(true);
  });

  it('has a handler for every request in the contract', () => {
    expect(METHODS.filter((method) => !(method in handlers))).toEqual([]);
  });

  it('cancels a request in flight', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = engine.supervisor.request('diagnostics.sleep', { ms: 30_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await errorOf(pending);
    expect(error.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(5000);
    // The host is still serving.
    expect((await engine.supervisor.request('system.ping', { echo: 'after cancel' })).echo).toBe('after cancel');
  });

  it('coalesces a flood of progress events and keeps the last one before the final state', async () => {
    const seen: Array<{ name: string; payload: unknown }> = [];
    const off = engine.supervisor.onEvent((name, payload) => {
      if ((payload as { jobId?: string }).jobId === 'diag-flood') seen.push({ name, payload });
    });
    const count = 200_000;
    const result = await engine.supervisor.request('diagnostics.progressBurst', { jobId: 'diag-flood', count });
    // The final state event may arrive just after the response.
    await expect
      .poll(() => seen.some((e) => e.name === 'job.state' && (e.payload as EventPayload<'job.state'>).state === 'done'))
      .toBe(true);
    off();
    expect(result.emitted).toBe(count);
    const progress = seen.filter((e) => e.name === 'job.progress').map((e) => e.payload as EventPayload<'job.progress'>);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(100);
    const finalIndex = seen.findIndex((e) => e.name === 'job.state' && (e.payload as EventPayload<'job.state'>).state === 'done');
    const lastProgressIndex = seen.map((e) => e.name).lastIndexOf('job.progress');
    expect(lastProgressIndex).toBeLessThan(finalIndex);
    expect(progress.at(-1)?.done).toBe(count);
  });
});
