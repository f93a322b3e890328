import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../../bin/cli-bundle.js';
import { REPO_ROOT } from '../helpers/electron-build.ts';
import { writeBatchModel } from '../helpers/jobs-batch.ts';

const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-cli-bundle-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('which CLI bin/srstudio.js runs', () => {
  it('the bundle while no source file is newer, else the sources; SRSTUDIO_FROM_SOURCE=1 forces the sources', () => {
    const root = path.join(dir, 'checkout');
    const source = path.join(root, 'src', 'engine', 'deep', 'module.ts');
    const entry = path.join(root, 'out', 'cli', 'main.mjs');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, 'export {};');
    expect(freshBundle(root, {})).toBeUndefined(); // not built

    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, '');
    const built = fs.statSync(entry).mtime;
    fs.utimesSync(source, built, new Date(built.getTime() - 60_000));
    expect(freshBundle(root, {})).toBe(entry);
    expect(freshBundle(root, { SRSTUDIO_FROM_SOURCE: '1' })).toBeUndefined();

    // An edit (or a checkout) deep in src/ after the build: the sources run until the next build.
    fs.utimesSync(source, built, new Date(built.getTime() + 1000));
    expect(freshBundle(root, {})).toBeUndefined();
  });

  it('the sources once packages were installed after the build (the bundle holds copies of some)', () => {
    const root = path.join(dir, 'installed');
    const entry = path.join(root, 'out', 'cli', 'main.mjs');
    const lock = path.join(root, 'node_modules', '.package-lock.json');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(entry, '');
    fs.writeFileSync(lock, '{}');
    const built = fs.statSync(entry).mtime;
    fs.utimesSync(lock, built, new Date(built.getTime() - 1000));
    expect(freshBundle(root, {})).toBe(entry);
    fs.utimesSync(lock, built, new Date(built.getTime() + 1000)); // `npm install sharp@next` after the build
    expect(freshBundle(root, {})).toBeUndefined();
  });
});

describe('the CLI bundle (scripts/build-cli.mjs), run as Node runs it', () => {
  beforeAll(async () => {
    await run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-cli.mjs')], { cwd: REPO_ROOT });
  }, 120_000);

  it('upscales with its inference worker, finds the bundled models, and keeps its worker threads beside it', async () => {
    const main = path.join(REPO_ROOT, 'out', 'cli', 'main.mjs');
    for (const worker of ['session-worker-boot.mjs', 'prefetch-worker-boot.mjs', 'heic-worker-boot.mjs'])
      expect(fs.existsSync(path.join(REPO_ROOT, 'out', 'cli', worker)), worker).toBe(true);

    const models = await run(process.execPath, [main, 'models', '--json', '--state', path.join(dir, 'state')]);
    const ids = (JSON.parse(models.stdout) as { models: { id: string }[] }).models.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['srcnn-x2', 'fsrcnn-x3-int8']));

    const model = await writeBatchModel(dir);
    const input = path.join(dir, 'in', 'photo.png');
    fs.mkdirSync(path.dirname(input), { recursive: true });
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 120, g: 60, b: 200 } } })
      .png()
      .toFile(input);
    // A JPEG too: sharp's JavaScript is bundled, its addon and libvips are found from the bundle's folder.
    await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 20, g: 160, b: 90 } } })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, 'in', 'camera.jpg'));
    // And an iPhone photo, decoded by libheif in its own thread (imaging/heic-worker-boot.mjs, copied beside the bundle).
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/heic/photo.heic'), path.join(dir, 'in', 'iphone.heic'));
    const out = path.join(dir, 'out');
    const upscale = await run(process.execPath, [
      main,
      'upscale',
      path.dirname(input),
      '-o',
      out,
      '--model',
      model,
      '--state',
      path.join(dir, 'state'),
      '--json',
    ]);
    const doc = JSON.parse(upscale.stdout) as { ok: number; startup: { phases: { name: string }[] } };
    expect(doc.ok).toBe(3);
    expect(doc.startup.phases.map((p) => p.name)).toEqual(['modules', 'store', 'model', 'plan', 'model open', 'photo modules']);
    // runTiled's fallback would say "Running inference on the main thread (slower): <why the worker failed>".
    expect(upscale.stderr).not.toMatch(/main thread/i);
    expect(await sharp(path.join(out, 'photo_x2.png')).metadata()).toMatchObject({ width: 80, height: 60 });
    expect(await sharp(path.join(out, 'camera_x2.jpg')).metadata()).toMatchObject({ width: 48, height: 32, format: 'jpeg' });
    expect(await sharp(path.join(out, 'iphone_x2.jpg')).metadata()).toMatchObject({ width: 128, height: 96, format: 'jpeg' });

    // zod is bundled with its English messages only (z.locales trimmed): a validation error still reads as it does from
    // the sources.
    const recipe = path.join(dir, 'recipe.json');
    fs.writeFileSync(recipe, JSON.stringify({ blur: { probability: 7 } }));
    const evalArgs = ['eval', '--data', path.dirname(input), '--scale', '2', '--method', 'bicubic', '--degrade', recipe];
    const bad = await run(process.execPath, [main, ...evalArgs]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad && bad.code).toBe(2);
    expect(bad.stderr).toContain(`The degradation recipe ${recipe} is invalid at version: Invalid input: expected 1`);
  }, 120_000);
});
