import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelMeta } from '../../src/engine/models/model-meta-io.ts';
import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { makeTempDir } from '../helpers/store-temp.ts';
import { TINY_ARCH } from '../helpers/training-config.ts';
import { type ImageFolder, writeImageFolder } from '../helpers/training-images.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/srstudio.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let trainSet: ImageFolder;
let valSet: ImageFolder;
let state: { dir: string; cleanup(): void };

beforeAll(async () => {
  trainSet = await writeImageFolder(3, 48, 40, 1);
  valSet = await writeImageFolder(1, 32, 32, 40);
  state = makeTempDir('srstudio-cli-train-');
});

afterAll(() => {
  state.cleanup();
  trainSet.cleanup();
  valSet.cleanup();
});

function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, 'train', ...args, '--state', state.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

const BASE = ['--arch', TINY_ARCH, '--scale', '2', '--batch', '4', '--patch', '16', '--lr', '1e-2', '--device', 'cpu'];

describe('srstudio train', () => {
  it('trains, validates against bicubic and prints one JSON document', async () => {
    const out = path.join(state.dir, 'tiny.onnx');
    const { done } = start([
      ...BASE,
      '--data',
      trainSet.dir,
      '--val',
      valSet.dir,
      '--steps',
      '12',
      '--val-every',
      '6',
      '--out',
      out,
      '--json',
    ]);
    const run = await done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(['run', 'arch', 'scale', 'steps', 'seconds', 'samplesPerSecond', 'best', 'bicubic', 'model']),
    );
    expect(doc).toMatchObject({ arch: 'srcnn-5-1-3-n8-4', scale: 2, steps: 12, model: out, status: 'done' });
    expect(doc.samplesPerSecond).toBeGreaterThan(0);
    expect([6, 12]).toContain(doc.best.step);
    expect(doc.bicubic.psnr).toBeGreaterThan(15);
    expect(existsSync(out)).toBe(true);
  });

  it('stops cleanly on SIGINT with a checkpoint, and --resume finishes the run', async () => {
    const { child, done } = start([
      ...BASE,
      '--data',
      trainSet.dir,
      '--val',
      valSet.dir,
      '--steps',
      '100000',
      '--val-every',
      '100000',
      '--json',
    ]);
    // Wait until the run is training (recorded 'running' in the store), then interrupt it like Ctrl-C.
    const store = openStore(state.dir);
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const runs = new RunsRepo(store).list();
        if (runs[0]?.status === 'running' && runs[0].config && (runs[0].config as { steps: number }).steps === 100000) break;
        if (Date.now() > deadline) throw new Error('the run never started');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      store.close();
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const cancelled = await done;
    expect(cancelled.code).toBe(130);
    const doc = JSON.parse(cancelled.stdout);
    expect(doc.status).toBe('cancelled');
    expect(doc.steps).toBeGreaterThan(0);

    const after = openStore(state.dir);
    try {
      expect(new RunsRepo(after).latestCheckpoint(doc.run)?.step).toBe(doc.steps);
      expect(new RunsRepo(after).get(doc.run)?.status).toBe('cancelled');
    } finally {
      after.close();
    }

    const resumed = await start(['--resume', String(doc.run), '--steps', String(doc.steps + 3), '--json']).done;
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ run: doc.run, status: 'done', steps: doc.steps + 3 });
  }, 180_000); // two CLI start-ups (tsx + ORT) on a shared 2-core machine

  it('--init starts a ×3 run from a ×2 model; the result records the lineage and counts its training time', async () => {
    const parentFile = path.join(state.dir, 'parent-x2.onnx');
    const common = ['--data', trainSet.dir, '--val', valSet.dir, '--val-every', '3', '--json'];
    const parent = await start([...BASE, ...common, '--steps', '6', '--out', parentFile]).done;
    expect(parent.code, parent.stderr).toBe(0);
    const parentMeta = readModelMeta(readFileSync(parentFile));
    const parentDoc = JSON.parse(parent.stdout);
    expect(parentMeta?.trainingSeconds).toBeGreaterThan(0);
    expect(parentMeta?.trainingSeconds).toBeLessThanOrEqual(parentDoc.trainingSeconds);

    const childFile = path.join(state.dir, 'child-x3.onnx');
    const x3 = BASE.map((arg, i) => (BASE[i - 1] === '--scale' ? '3' : arg));
    const child = await start([...x3, ...common, '--steps', '3', '--patch', '18', '--init', parentFile, '--out', childFile]).done;
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).toContain(`note: Starting from model ${parentMeta?.id}`);
    expect(child.stderr).toContain('all weights');
    const doc = JSON.parse(child.stdout);
    expect(doc.lineageSeconds).toBeCloseTo((parentMeta?.trainingSeconds ?? 0) + doc.trainingSeconds, 6);
    const meta = readModelMeta(readFileSync(childFile));
    expect(meta?.lineage).toEqual([
      {
        id: parentMeta?.id,
        sha256: createHash('sha256').update(readFileSync(parentFile)).digest('hex'),
        trainingSeconds: parentMeta?.trainingSeconds,
      },
    ]);
    expect(meta?.trainingSeconds).toBeGreaterThan(parentMeta?.trainingSeconds ?? Number.POSITIVE_INFINITY);

    const resumeChange = await start(['--resume', String(doc.run), '--init', parentFile]).done;
    expect(resumeChange.code).toBe(2);
    expect(resumeChange.stderr).toContain('--init cannot change them');
  }, 180_000);

  it('a fine-tune of a bundled model, named by its path alone, takes its network and scale, and points to its card for the time behind it', async () => {
    const bundled = path.resolve(path.dirname(CLI), '../resources/models/fsrcnn-x2.onnx');
    // No --arch and no --scale: a fine-tune takes its parent's. No --patch: FSRCNN's LR input needs a multiple of the
    // scale, so the paper's 33 becomes 34 at ×2.
    const args = ['--batch', '2', '--device', 'cpu'];
    const run = await start([...args, '--data', trainSet.dir, '--val', valSet.dir, '--steps', '2', '--val-every', '2', '--init', bundled])
      .done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Starting from model fsrcnn-x2 (a bundled model: resources/models/fsrcnn-x2.md says how it was trained)');
    expect(run.stdout).toMatch(/trained for .*, on top of bundled fsrcnn-x2 \(resources\/models\/fsrcnn-x2\.md says how it was trained\)/);
    const id = Number(/^run (\d+):/m.exec(run.stdout)?.[1]);
    const store = openStore(state.dir);
    try {
      expect(new RunsRepo(store).list().find((r) => r.id === id)?.config).toMatchObject({
        arch: 'fsrcnn-56-32-4-res-relu',
        scale: 2,
        patch: 34,
      });
    } finally {
      store.close();
    }
  }, 120_000);

  it('says what is missing or wrong before doing any work', async () => {
    const missing = await start(['--scale', '2', '--data', trainSet.dir, '--val', valSet.dir]).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--arch is required to start a run');
    expect(missing.stderr).toContain('or --init MODEL to fine-tune a model (its own is taken)');
    // A model whose architecture SR Studio does not train gives none to a fine-tune: --arch is still asked for.
    const foreign = await writeTinyModel(state.dir, 'y-lr', { id: 'foreign-x2' });
    const noArch = await start(['--init', foreign, '--data', trainSet.dir, '--val', valSet.dir]).done;
    expect(noArch.code).toBe(2);
    expect(noArch.stderr).toContain('--arch is required to start a run');
    const resumeChange = await start(['--resume', '1', '--lr', '0.1']).done;
    expect(resumeChange.code).toBe(2);
    expect(resumeChange.stderr).toContain('--lr cannot change them');
  });
});
