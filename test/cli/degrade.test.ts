import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../../src/engine/degrade/index.ts';
import { readModelMeta } from '../../src/engine/models/model-meta-io.ts';
import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { loadCheckpoint } from '../../src/engine/training/checkpoint.ts';
import { writePng } from '../helpers/eval-folders.ts';
import { makePhoto } from '../helpers/imaging-photo.ts';
import { type CliResult, runCli } from '../helpers/jobs-cli.ts';
import { makeTempDir } from '../helpers/store-temp.ts';
import { type ImageFolder, writeImageFolder } from '../helpers/training-images.ts';

/** The real CLI with a private state folder, so that model lookups never touch the user's real one. */
function srstudio(args: string[], state: string): Promise<CliResult> {
  return runCli(args, { env: { SRSTUDIO_HOME: state } });
}

let root: { dir: string; cleanup(): void };
let trainSet: ImageFolder;
let evalSet: string;

beforeAll(async () => {
  root = makeTempDir('srstudio-cli-degrade-');
  trainSet = await writeImageFolder(2, 112, 104, 3);
  evalSet = path.join(root.dir, 'set');
  mkdirSync(evalSet);
  for (const [i, size] of [
    [1, 64],
    [2, 48],
  ] as const) {
    await writePng(path.join(evalSet, `img_${i}.png`), makePhoto({ width: size, height: size + 8, seed: i }));
  }
});

afterAll(() => {
  root.cleanup();
  trainSet.cleanup();
});

const TINY_LR_ARCH = '{"kind":"fsrcnn","d":8,"s":4,"m":1,"residual":true,"activation":"relu"}';

describe('--degrade', () => {
  it('train --degrade photo records the recipe in the run, the checkpoints, the resume and the model', async () => {
    const state = path.join(root.dir, 'state-train');
    const out = path.join(root.dir, 'photo-tiny.onnx');
    const args = ['train', '--arch', TINY_LR_ARCH, '--scale', '2', '--batch', '4', '--patch', '32', '--lr', '1e-3', '--device', 'cpu'];
    const first = await srstudio(
      [
        ...args,
        '--data',
        trainSet.dir,
        '--val',
        trainSet.dir,
        '--degrade',
        'photo',
        '--steps',
        '6',
        '--val-every',
        '3',
        '--checkpoint-every',
        '3',
        '--out',
        out,
        '--json',
      ],
      state,
    );
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout);
    const store = openStore(state);
    try {
      const config = new RunsRepo(store).get(doc.run)?.config as { degrade: { name: string } } | undefined;
      expect(config?.degrade.name).toBe('photo');
      const checkpoint = loadCheckpoint(new RunsRepo(store).latestCheckpoint(doc.run)?.path as string);
      expect((checkpoint.config as { degrade: { recipe: unknown } }).degrade.recipe).toEqual(preset('photo').recipe);
    } finally {
      store.close();
    }
    const meta = readModelMeta(readFileSync(out));
    expect(meta?.degradation?.name).toBe('photo');
    expect(meta?.degradation?.recipe).toEqual(JSON.parse(JSON.stringify(preset('photo').recipe)));
    expect(meta?.provenance).toContain("degraded by the 'photo' recipe");

    const resumed = await srstudio(['train', '--resume', String(doc.run), '--steps', '8', '--json'], state);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', steps: 8 });
    expect(readModelMeta(readFileSync(out))?.degradation?.name).toBe('photo');
    const change = await srstudio(['train', '--resume', String(doc.run), '--steps', '9', '--degrade', 'heavy'], state);
    expect(change.code).toBe(2);
    expect(change.stderr).toContain('--degrade cannot change them');
  }, 240_000);

  it('train refuses a malformed recipe before doing any work', async () => {
    const state = path.join(root.dir, 'state-bad');
    const bad = path.join(root.dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ version: 1, stages: [{ resize: { filters: ['bicubic'], factor: [1, 1] }, jpeg: { p: 1, quality: [10, 500] } }] }),
    );
    const run = await srstudio(
      ['train', '--arch', TINY_LR_ARCH, '--scale', '2', '--data', trainSet.dir, '--val', trainSet.dir, '--degrade', bad],
      state,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The degradation recipe ${bad} is invalid at stages.0.jpeg.quality.1`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const store = openStore(state);
    try {
      expect(new RunsRepo(store).list()).toEqual([]);
    } finally {
      store.close();
    }
  }, 60_000);

  it('eval --degrade builds the same input bytes from the same seed, records the degradation, and bicubic scores lower than clean', async () => {
    const state = path.join(root.dir, 'state-eval');
    const runEval = async (seed: string, inputs: string) => {
      const run = await srstudio(
        [
          'eval',
          '--data',
          evalSet,
          '--scale',
          '2',
          '--method',
          'bicubic',
          '--degrade',
          'photo',
          '--seed',
          seed,
          '--save-inputs',
          inputs,
          '--json',
        ],
        state,
      );
      expect(run.code, run.stderr).toBe(0);
      const hashes = readdirSync(inputs)
        .sort()
        .map((f) =>
          createHash('sha256')
            .update(readFileSync(path.join(inputs, f)))
            .digest('hex'),
        );
      return { doc: JSON.parse(run.stdout), hashes, files: readdirSync(inputs).sort() };
    };
    const a = await runEval('5', path.join(root.dir, 'in-a'));
    const b = await runEval('5', path.join(root.dir, 'in-b'));
    const c = await runEval('6', path.join(root.dir, 'in-c'));
    expect(a.files).toEqual(['img_1_x2_photo-seed5_input.png', 'img_2_x2_photo-seed5_input.png']);
    expect(b.hashes).toEqual(a.hashes);
    expect(c.hashes).not.toEqual(a.hashes);
    expect(b.doc.mean).toEqual(a.doc.mean);
    expect(a.doc.degradation).toMatchObject({ name: 'photo', seed: 5 });
    const clean = await srstudio(['eval', '--data', evalSet, '--scale', '2', '--method', 'bicubic', '--json'], state);
    const cleanDoc = JSON.parse(clean.stdout);
    expect(cleanDoc.degradation).toBeNull();
    expect(a.doc.mean.psnr).toBeLessThan(cleanDoc.mean.psnr);
    const table = await srstudio(['eval', '--data', evalSet, '--scale', '2', '--method', 'bicubic', '--degrade', 'heavy'], state);
    expect(table.stdout).toContain("inputs degraded by 'heavy' (seed 1)");
  }, 240_000);

  it('eval says what is wrong with a recipe file or a seed', async () => {
    const state = path.join(root.dir, 'state-eval-bad');
    const broken = path.join(root.dir, 'broken.json');
    writeFileSync(broken, '{ "version": 1, ');
    const notJson = await srstudio(['eval', '--data', evalSet, '--scale', '2', '--method', 'bicubic', '--degrade', broken], state);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('is not valid JSON');
    const missing = await srstudio(
      ['eval', '--data', evalSet, '--scale', '2', '--method', 'bicubic', '--degrade', path.join(root.dir, 'nope.json')],
      state,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file');
    const seed = await srstudio(
      ['eval', '--data', evalSet, '--scale', '2', '--method', 'bicubic', '--degrade', 'photo', '--seed', '-3'],
      state,
    );
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--seed must be a whole number');
    expect(seed.stdout).toBe('');
  }, 120_000);

  it('eval --strength scores the blend upscale --strength runs: 1 is the photo model, 0 its clean partner, between differs from both', async () => {
    const state = path.join(root.dir, 'state-eval-strength');
    const score = async (method: string, strength?: string) => {
      const args = ['eval', '--data', evalSet, '--scale', '2', '--method', method, '--degrade', 'photo', '--device', 'cpu', '--json'];
      const run = await srstudio(strength === undefined ? args : [...args, '--strength', strength], state);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { method: string; mean: { psnr: number } };
    };
    const [photo, full, half, none, clean] = [
      await score('photo-x2'),
      await score('photo-x2', '1'),
      await score('photo-x2', '0.5'),
      await score('photo-x2', '0'),
      await score('fsrcnn-x2'),
    ];
    expect(full.method).toBe(photo.method);
    expect(full.mean).toEqual(photo.mean);
    expect(none.method).toBe('fsrcnn-x2');
    expect(none.mean).toEqual(clean.mean);
    expect(half.method).toBe('photo-x2-s50');
    expect(half.mean.psnr).not.toBe(photo.mean.psnr);
    expect(half.mean.psnr).not.toBe(clean.mean.psnr);

    const noPartner = await srstudio(['eval', '--data', evalSet, '--scale', '2', '--method', 'fsrcnn-x2', '--strength', '0.5'], state);
    expect(noPartner.code).toBe(2);
    expect(noPartner.stderr).toContain('has no clean model to blend with');
    const outOfRange = await srstudio(['eval', '--data', evalSet, '--scale', '2', '--method', 'photo-x2', '--strength', '1.5'], state);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('--strength must be a number from 0 to 1');
    expect(outOfRange.stdout).toBe('');
  }, 240_000);
});
