import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { inferenceWorker, openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { WorkerSession } from '../../../src/engine/models/worker-session.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1 };
let dir: string;
let model: string;
const opened: WorkerSession[] = [];

async function openWorker(): Promise<WorkerSession> {
  const w = await WorkerSession.open(model, options, 'tiny-y-lr');
  opened.push(w);
  return w;
}

function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 97) / 97);
}

beforeAll(async () => {
  dir = tempDir('srs-worker-session-');
  model = await writeTinyModel(dir, 'y-lr');
});
afterAll(async () => {
  await Promise.all(opened.map((w) => w.close()));
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the child script and resolves with its exit code and output, or rejects if it has not exited in time. */
function runChild(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = path.join(import.meta.dirname, 'worker-session-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit within ${timeoutMs} ms (a worker kept it alive?)\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('WorkerSession', () => {
  it('runs a batch on its narrow session (fewer threads) when asked, with the very same output bytes', async () => {
    const model3 = await writeTinyModel(dir, 'y-upsampled-same', { id: 'tiny-narrow' });
    const wide: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2 };
    const worker = await WorkerSession.open(model3, wide, 'tiny-narrow', 1);
    opened.push(worker);
    expect(worker.hasNarrow).toBe(true);
    const dims = [4, 1, 40, 36];
    const a = await worker.run(ramp(4 * 40 * 36), dims, false);
    const b = await worker.run(ramp(4 * 40 * 36), dims, true);
    expect(Buffer.from(b.output.buffer).equals(Buffer.from(a.output.buffer))).toBe(true);
  });

  it('runs a batch off the main thread with the same result as an in-thread session, and hands the input back', async () => {
    const worker = await openWorker();
    // Opened without narrowThreads: a narrow run is an ordinary one.
    expect(worker.hasNarrow).toBe(false);
    const dims = [2, 1, 9, 13];
    const data = ramp(2 * 9 * 13);
    const expected = (
      await (
        await (await openSession(model, { device: 'cpu', threads: 1 })).onThread()
      ).run({
        input: new ort.Tensor('float32', data.slice(), dims),
      })
    ).output as ort.Tensor;

    const input = data.slice();
    const result = await worker.run(input, dims);
    expect(result.dims).toEqual([2, 1, 18, 26]);
    expect(result.dims).toEqual(expected.dims);
    expect(Array.from(result.output)).toEqual(Array.from(expected.data as Float32Array));
    // The input's buffer was moved to the worker (no copy) and came back intact.
    expect(input.length).toBe(0);
    expect(Array.from(result.input)).toEqual(Array.from(data));
  });

  it('answers queued runs in order', async () => {
    const worker = await openWorker();
    const runs = [3, 5, 7].map((h) => worker.run(ramp(h * 4), [1, 1, h, 4]));
    const results = await Promise.all(runs);
    expect(results.map((r) => r.dims[2])).toEqual([6, 10, 14]);
  });

  it('turns a failed run into an SrError that keeps ORT’s message, and stays usable', async () => {
    const worker = await openWorker();
    // Three channels into a one-channel model.
    const error = await worker.run(ramp(3 * 4 * 4), [1, 3, 4, 4]).catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('INTERNAL');
    expect((error as Error).message).toContain('1×3×4×4');
    expect((error as Error).message.length).toBeGreaterThan('ONNX Runtime failed on a 1×3×4×4 batch of tiny-y-lr: '.length);
    expect(worker.alive).toBe(true);
    const ok = await worker.run(ramp(16), [1, 1, 4, 4]);
    expect(ok.dims).toEqual([1, 1, 8, 8]);
  });

  it('refuses a file that is not a model with BAD_MODEL, and stops its worker', async () => {
    const junk = path.join(dir, 'junk.onnx');
    fs.writeFileSync(junk, 'not a model');
    const error = await WorkerSession.open(junk, options, junk).catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('BAD_MODEL');
    expect((error as Error).message).toContain(junk);
  });

  it('close() rejects pending and later runs with an SrError', async () => {
    const worker = await openWorker();
    const pending = worker.run(ramp(64 * 64), [1, 1, 64, 64]).catch((e: unknown) => e);
    await worker.close();
    // The pending run either finished just before close() or was rejected by it; a later one always is.
    const first = await pending;
    if (first instanceof Error) expect(isSrError(first) && first.code).toBe('INTERNAL');
    const later = await worker.run(ramp(16), [1, 1, 4, 4]).catch((e: unknown) => e);
    expect(isSrError(later) && later.code).toBe('INTERNAL');
    expect((later as Error).message).toContain('stopped');
    expect(worker.alive).toBe(false);
  });
});

describe('sessions opened in their worker (openIn: worker)', () => {
  it('run in the worker at once, give the in-thread bytes, and open their twin on this thread only when asked', async () => {
    await releaseSessions();
    const upsampled = await writeTinyModel(dir, 'y-upsampled-same', { id: 'tiny-worker-first' });
    const inWorker = await openSession(upsampled, { device: 'cpu', threads: 1, openIn: 'worker' });
    expect(inWorker.inputName).toBe('input');
    expect(inWorker.inputMetadata[0]).toMatchObject({ isTensor: true, type: 'float32' });
    const worker = await inferenceWorker(inWorker);
    expect(worker?.alive).toBe(true);
    // Opened there already: asking again gives the same worker.
    expect(await inferenceWorker(inWorker)).toBe(worker);
    const dims = [1, 1, 20, 24];
    const fromWorker = await worker?.run(ramp(20 * 24), dims);
    const thread = await inWorker.onThread();
    const here = (await thread.run({ input: new ort.Tensor('float32', ramp(20 * 24), dims) })).output as ort.Tensor;
    expect(Array.from(fromWorker?.output ?? [])).toEqual(Array.from(here.data as Float32Array));
    expect(await inWorker.onThread()).toBe(thread);
    // The same model opened on this thread by another caller is the very same cached session.
    expect(await openSession(upsampled, { device: 'cpu', threads: 1 })).toBe(inWorker);
    await releaseSessions();
    expect(worker?.alive).toBe(false);
  });

  it('refuses a model with two outputs with BAD_MODEL, as on this thread, and leaves no worker behind', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', ['N', 1, 'H', 'W']);
    g.op('Identity', [x], {}, 'a');
    g.op('Identity', [x], {}, 'b');
    g.output('a', ['N', 1, 'H', 'W']);
    g.output('b', ['N', 1, 'H', 'W']);
    const twoOutputs = path.join(dir, 'two-outputs.onnx');
    fs.writeFileSync(twoOutputs, g.toModel());
    for (const openIn of ['worker', 'thread'] as const) {
      const error = await openSession(twoOutputs, { device: 'cpu', openIn }).catch((e: unknown) => e);
      expect(isSrError(error) && error.code, openIn).toBe('BAD_MODEL');
      expect((error as Error).message).toContain('1 inputs and 2 outputs');
    }
  });
});

describe('inference workers of cached sessions', () => {
  it('one worker per cached session, closed by releaseSessions; none for sessions from elsewhere', async () => {
    const session = await openSession(model, { device: 'cpu' });
    const a = await inferenceWorker(session);
    const b = await inferenceWorker(session);
    expect(a).toBeInstanceOf(WorkerSession);
    expect(b).toBe(a);
    expect(await inferenceWorker({ ...session })).toBeUndefined();
    await releaseSessions();
    expect(a?.alive).toBe(false);
    expect(await inferenceWorker(session)).toBeUndefined();
  });

  it('a process that upscaled (or cancelled an upscale) exits by itself: the idle worker does not keep it alive', async () => {
    const upsampled = await writeTinyModel(dir, 'y-upsampled-same');
    const done = await runChild([upsampled, dir, 'finish']);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ width: 120, height: 80 });
    const cancelled = await runChild([upsampled, dir, 'cancel']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ code: 'CANCELLED' });
  });

  it('a process that ends right after starting the spare worker exits with its own code, not an abort in ORT', async () => {
    // The spare loads the runtime at once (a one-node model); a process leaving during that used to abort with
    // "terminate called after throwing an instance of 'Napi::Error'" (code 134).
    for (const afterMs of [0, 50, 100, 150, 200, 250, 300]) {
      const failed = await runChild([model, dir, 'prestart-then-fail', String(afterMs)]);
      expect(failed.stderr, `exit ${afterMs} ms after the start`).not.toContain('terminate called');
      expect(failed.code, `exit ${afterMs} ms after the start`).toBe(3);
    }
  });
});
