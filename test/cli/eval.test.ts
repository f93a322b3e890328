import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolationMethod } from '../../src/engine/eval/protocol.ts';
import { runEval } from '../../src/engine/eval/run-eval.ts';
import type { RgbImage } from '../../src/engine/imaging/image.ts';
import { photoLikeImage } from '../helpers/eval-fixtures.ts';
import { makeTempDir, writePng } from '../helpers/eval-folders.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/srstudio.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stateDir = '';

function srstudio(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // A private state folder, so that model lookups never touch the user's real one.
    const env = { ...process.env, SRSTUDIO_HOME: stateDir };
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function flat(width: number, height: number, value: number): RgbImage {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(value) };
}

/** An error run: exit code 2, one readable message on stderr, no stack trace, nothing on stdout. */
function expectCleanFailure(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

describe('srstudio eval', () => {
  let root = '';
  let cleanup = () => {};
  let data = '';
  beforeAll(async () => {
    ({ dir: root, cleanup } = makeTempDir('cli-eval'));
    stateDir = path.join(root, 'state');
    data = path.join(root, 'set');
    fs.mkdirSync(data);
    await writePng(path.join(data, 'flat.png'), flat(36, 30, 90)); // bicubic rebuilds it exactly: PSNR ∞
    await writePng(path.join(data, 'photo.png'), photoLikeImage(64, 50, 11));
  });
  afterAll(() => cleanup());

  it('--json prints exactly one JSON document with the documented shape (∞ → null)', async () => {
    const run = await srstudio(['eval', '--data', data, '--scale', '2', '--method', 'bicubic', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(['method', 'scale', 'data', 'degradation', 'images', 'mean', 'seconds']);
    // The protocol's clean bicubic: no real-photo degradation.
    expect(doc.degradation).toBeNull();
    expect(doc.method).toBe('bicubic');
    expect(doc.scale).toBe(2);
    expect(doc.data).toBe(data);
    expect(doc.images.map((i: { name: string }) => i.name)).toEqual(['flat.png', 'photo.png']);
    expect(Object.keys(doc.images[0])).toEqual(['name', 'psnr', 'ssim']);
    expect(doc.images[0].psnr).toBeNull();
    expect(doc.images[0].ssim).toBe(1);
    expect(doc.images[1].psnr).toBeGreaterThan(15);
    expect(doc.images[1].psnr).toBeLessThan(60);
    expect(doc.mean.psnr).toBeNull(); // the mean of a set containing ∞ is ∞
    expect(doc.mean.ssim).toBeCloseTo((1 + doc.images[1].ssim) / 2, 10);
    expect(doc.seconds).toBeGreaterThan(0);
  });

  it('scores a model given as an .onnx path; an identity model on bicubic input scores like bicubic', async () => {
    const model = await writeTinyModel(path.join(root, 'models'), 'y-identity', { scale: 2 });
    const viaModel = await srstudio(['eval', '--data', data, '--scale', '2', '--method', model, '--device', 'cpu', '--json']);
    expect(viaModel.code, viaModel.stderr).toBe(0);
    const doc = JSON.parse(viaModel.stdout);
    const reference = await runEval({ dataDir: data, scale: 2, method: interpolationMethod('bicubic') });
    expect(doc.method).toBe('tiny-y-identity-x2');
    // Y goes through bicubic + identity and CbCr through bicubic, then back to uint8 RGB: the same function as
    // RGB bicubic up to rounding, so the scores agree closely but not bit for bit.
    expect(Math.abs(doc.images[1].psnr - reference.images[1].psnr)).toBeLessThan(0.1);
    expect(Math.abs(doc.images[1].ssim - reference.images[1].ssim)).toBeLessThan(0.002);
  });

  it('prints a table with one row per image and the mean, and saves PNGs with --save', async () => {
    const save = path.join(root, 'saved');
    const run = await srstudio(['eval', '--data', data, '--scale', '3', '--method', 'lanczos3', '--save', save]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^image\s+PSNR \(dB\)\s+SSIM\s+time \(s\)$/);
    expect(lines[1]).toMatch(/^flat\.png\s+inf\s+1\.0000\s+\d+\.\d{3}$/);
    expect(lines[2]).toMatch(/^photo\.png\s+\d+\.\d{2}\s+0\.\d{4}\s+\d+\.\d{3}$/);
    expect(lines[3]).toMatch(/^mean\s+inf\s+0\.\d{4}$/);
    expect(lines[4]).toMatch(/^2 images, method lanczos3, ×3/);
    expect(fs.readdirSync(save).sort()).toEqual(['flat_x3_lanczos3.png', 'photo_x3_lanczos3.png']);
  });

  describe('fails cleanly (exit 2, one message, no stack, nothing on stdout)', () => {
    it('on a missing folder, naming it', async () => {
      const missing = path.join(root, 'nope');
      expectCleanFailure(
        await srstudio(['eval', '--data', missing, '--scale', '2', '--method', 'bicubic']),
        new RegExp(`No such file or folder: .*${missing}`),
      );
    });

    it('on a folder without images, naming it', async () => {
      const empty = path.join(root, 'empty');
      fs.mkdirSync(empty, { recursive: true });
      expectCleanFailure(
        await srstudio(['eval', '--data', empty, '--scale', '2', '--method', 'bicubic', '--json']),
        new RegExp(`No images in ${empty}`),
      );
    });

    it('on an unsupported scale, listing 2|3|4', async () => {
      expectCleanFailure(
        await srstudio(['eval', '--data', data, '--scale', '5', '--method', 'bicubic']),
        /Unsupported scale "5"[\s\S]*2\|3\|4/,
      );
    });

    it('on an unknown method, listing the known ones', async () => {
      expectCleanFailure(
        await srstudio(['eval', '--data', data, '--scale', '2', '--method', 'magic']),
        /Unknown method "magic"[\s\S]*bicubic, bilinear, nearest, lanczos3/,
      );
    });

    it('on a file that is not an image, naming it', async () => {
      const broken = path.join(root, 'broken');
      fs.mkdirSync(broken, { recursive: true });
      fs.writeFileSync(path.join(broken, 'bad.png'), 'this is not a PNG');
      expectCleanFailure(
        await srstudio(['eval', '--data', broken, '--scale', '2', '--method', 'bicubic', '--json']),
        /Evaluation stopped[\s\S]*bad\.png/,
      );
    });
  });
});
