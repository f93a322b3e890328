import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { RunsRepo } from '../../../src/engine/store/runs-repo.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { loadCheckpoint } from '../../../src/engine/training/checkpoint.ts';
import type { TrainEvent } from '../../../src/engine/training/events.ts';
import { resumeTraining, startTraining } from '../../../src/engine/training/trainer.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';
import { tinyConfig } from '../../helpers/training-config.ts';
import { type ImageFolder, writeImageFolder } from '../../helpers/training-images.ts';

let trainSet: ImageFolder;
let valSet: ImageFolder;
let state: { dir: string; cleanup(): void };
let store: Store;

beforeAll(async () => {
  trainSet = await writeImageFolder(4, 64, 48, 1);
  valSet = await writeImageFolder(2, 40, 40, 50);
  state = makeTempDir('srstudio-train-state-');
  store = openStore(state.dir);
});

afterAll(() => {
  store.close();
  state.cleanup();
  trainSet.cleanup();
  valSet.cleanup();
});

describe('training runs', () => {
  it('lower the loss, report validation beside bicubic, and export the best model', async () => {
    const events: TrainEvent[] = [];
    const result = await startTraining(store, tinyConfig(trainSet.dir, valSet.dir, { steps: 60, valEvery: 30, lr: 1e-2 }), {
      onEvent: (e) => events.push(e),
      logEvery: 1,
    });
    expect(result.status).toBe('done');
    expect(result.steps).toBe(60);
    const losses = events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    expect(losses).toHaveLength(60);
    const early = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const late = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(late).toBeLessThan(early * 0.5);

    const validations = events.filter((e) => e.type === 'validation');
    expect(validations.map((v) => v.step)).toEqual([30, 60]);
    // From near-zero initial outputs (SRCNN's σ = 0.001) to a usable reconstruction within 30 steps.
    for (const v of validations) {
      expect(v.psnr).toBeGreaterThan(15);
      expect(v.bicubic.psnr).toBeGreaterThan(15);
      expect(v.bicubic.ssim).toBeGreaterThan(0.3);
    }
    expect(result.bicubic).toEqual(validations[0].bicubic);
    expect(result.best?.psnr).toBe(Math.max(...validations.map((v) => v.psnr)));

    // The store has the curves and the run's best.
    const runs = new RunsRepo(store);
    const run = runs.get(result.run)!;
    expect(run.status).toBe('done');
    expect(run.bestPsnr).toBe(result.best?.psnr);
    const metrics = runs.metrics(result.run);
    expect(metrics.filter((m) => m.kind === 'train' && m.name === 'loss')).toHaveLength(60);
    expect(metrics.filter((m) => m.kind === 'val' && m.name === 'psnr').map((m) => m.step)).toEqual([30, 60]);
    expect(metrics.filter((m) => m.kind === 'bicubic' && m.name === 'psnr')).toHaveLength(2);

    // The exported model is self-describing, runs in ORT and keeps the input size (SRCNN is exported 'same').
    expect(result.model && existsSync(result.model)).toBe(true);
    const meta = readModelMeta(readFileSync(result.model!));
    expect(meta).toMatchObject({ scale: 2, inputKind: 'upsampled', colorMode: 'y' });
    expect(Object.values(meta?.scores ?? {})[0]?.psnr).toBe(result.best?.psnr);
    const session = await ort.InferenceSession.create(result.model!);
    const out = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(20 * 24).fill(0.5), [1, 1, 20, 24]),
    });
    expect(out[session.outputNames[0]].dims).toEqual([1, 1, 20, 24]);
    await session.release();
    expect(result.data.batches).toBe(60);
  });

  it('resume after a cancel to exactly the weights of an uninterrupted run', async () => {
    const config = tinyConfig(trainSet.dir, valSet.dir, { steps: 30, seed: 9 });
    const straight = await startTraining(store, config);
    const reference = loadCheckpoint(new RunsRepo(store).latestCheckpoint(straight.run)!.path);
    expect(reference.step).toBe(30);

    const controller = new AbortController();
    const cancelled = await startTraining(store, config, {
      signal: controller.signal,
      logEvery: 1,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 13) controller.abort();
      },
    });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps).toBe(13);
    const runs = new RunsRepo(store);
    expect(runs.get(cancelled.run)?.status).toBe('cancelled');
    expect(runs.latestCheckpoint(cancelled.run)?.step).toBe(13);

    const resumed = await resumeTraining(store, cancelled.run);
    expect(resumed.status).toBe('done');
    expect(resumed.steps).toBe(30);
    const final = loadCheckpoint(runs.latestCheckpoint(cancelled.run)!.path);
    expect(final.step).toBe(30);
    for (const [name, values] of reference.params) {
      expect(final.params.get(name), name).toEqual(values);
      expect(final.adamM.get(name), name).toEqual(reference.adamM.get(name));
      expect(final.adamV.get(name), name).toEqual(reference.adamV.get(name));
    }
    expect(resumed.best).toEqual(straight.best);
  });

  it('pause = checkpoint + stop, and resume picks up from there', async () => {
    const controller = new AbortController();
    const paused = await startTraining(store, tinyConfig(trainSet.dir, null, { steps: 10 }), {
      signal: controller.signal,
      logEvery: 1,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 4) controller.abort('pause');
      },
    });
    expect(paused).toMatchObject({ status: 'paused', steps: 4, model: null });
    const runs = new RunsRepo(store);
    expect(runs.get(paused.run)?.status).toBe('paused');
    const resumed = await resumeTraining(store, paused.run);
    // Without a validation set the final weights are the model.
    expect(resumed).toMatchObject({ status: 'done', steps: 10, best: null, bicubic: null });
    expect(resumed.model && existsSync(resumed.model)).toBe(true);
    await expect(resumeTraining(store, paused.run)).rejects.toThrow(`Run ${paused.run} is already finished`);
  });

  it('names a missing training folder before creating anything', async () => {
    const missing = `${trainSet.dir}-missing`;
    await expect(startTraining(store, tinyConfig(missing, null))).rejects.toThrow(`No such file or folder: ${missing}`);
  });

  it('leaves out unreadable photos, and validation photos too small to score, with a warning that names each, and trains on the rest', async () => {
    const mixed = await writeImageFolder(2, 48, 40, 3);
    try {
      writeFileSync(`${mixed.dir}/zz-broken.png`, 'not an image');
      writeFileSync(`${mixed.dir}/zz-empty.jpg`, '');
      // 5×3: ×2 leaves 4×2, and scoring shaves 2 pixels per border. It used to stop the run before its first step.
      await sharp({ create: { width: 5, height: 3, channels: 3, background: '#808080' } })
        .png()
        .toFile(`${mixed.dir}/zz-tiny.png`);
      const events: TrainEvent[] = [];
      const result = await startTraining(store, tinyConfig(mixed.dir, mixed.dir, { steps: 4, valEvery: 4 }), {
        onEvent: (e) => events.push(e),
      });
      expect(result.status).toBe('done');
      const warnings = events.flatMap((e) => (e.type === 'notice' && e.level === 'warn' ? [e.message] : []));
      expect(warnings).toEqual([
        expect.stringMatching(/^Skipped a validation image: .*zz-broken\.png is/),
        expect.stringMatching(/^Skipped a validation image: .*zz-empty\.jpg is empty \(0 bytes\)/),
        expect.stringMatching(
          /^Skipped a validation image: .*zz-tiny\.png: A 4×2 image has nothing left after shaving 2 pixels per border \(scored at ×2\)$/,
        ),
        expect.stringMatching(/^Skipped a training image: .*zz-broken\.png is/),
        expect.stringMatching(/^Skipped a training image: .*zz-empty\.jpg is empty \(0 bytes\)/),
        // Read, but it gives no patch: said once, with what is left to train on.
        expect.stringMatching(
          /^1 training photo\(s\) are smaller than one \d+-pixel patch: they give no patches, so the run trains on the other 2$/,
        ),
      ]);
      expect(events.find((e) => e.type === 'started')).toMatchObject({ images: 3 });
    } finally {
      mixed.cleanup();
    }
  });

  it('records a run with no readable image as failed, saying why', async () => {
    const broken = await writeImageFolder(0, 40, 40, 3);
    try {
      writeFileSync(`${broken.dir}/zz-broken.png`, 'not an image');
      await expect(startTraining(store, tinyConfig(broken.dir, null))).rejects.toThrow('None of the 1 training image(s) could be read');
      const run = new RunsRepo(store).list()[0];
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/None of the 1 training image/);
    } finally {
      broken.cleanup();
    }
  });

  it('refuses to resume an unknown run or one without checkpoints, saying why', async () => {
    await expect(resumeTraining(store, 9999)).rejects.toThrow('No training run with id 9999');
    const run = new RunsRepo(store).create({ arch: 'x', scale: 2, config: tinyConfig(trainSet.dir, null) });
    await expect(resumeTraining(store, run.id)).rejects.toThrow(`Run ${run.id} has no checkpoint to resume from`);
  });
});
