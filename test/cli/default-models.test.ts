import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../../src/engine/degrade/index.ts';
import { interpolationMethod } from '../../src/engine/eval/protocol.ts';
import { runEval } from '../../src/engine/eval/run-eval.ts';
import { hasInt8DotProduct } from '../../src/engine/models/cpu-int8.ts';
import { resolveModelEvalMethod } from '../../src/engine/models/eval-method.ts';
import { defaultModelFor, listModels, loadModel } from '../../src/engine/models/registry.ts';
import { strengthPartner } from '../../src/engine/models/strength.ts';
import { withinQualityBudget } from '../../src/shared/model-meta.ts';
import { REPO_ROOT } from '../helpers/electron-build.ts';
import { photoLikeImage } from '../helpers/eval-fixtures.ts';
import { runCli } from '../helpers/jobs-cli.ts';

/**
 * The trained models shipped in resources/models: the photo models are the defaults at every scale (defaultModelFor),
 * SRCNN (the classic) and FSRCNN (the best architecture on clean inputs) are found by id; each describes itself
 * (id, scale, Y channel, its Set5/Set14 scores), really runs through ONNX Runtime and beats bicubic on a
 * photo-like image it never saw, and `srstudio upscale` uses it when no --model is given.
 */
const SCALES = [2, 3, 4] as const;
/** Bicubic on Set5 (docs/sr-protocol.md): every shipped model must report a better Set5 score than this. */
const SET5_BICUBIC = { 2: 33.65, 3: 30.39, 4: 28.42 } as const;
/** The scales with a bundled photo model, and bicubic on Set5 degraded by `photo` (seed 1; the model cards). */
const PHOTO_SCALES = [2, 3, 4] as const;
const SET5_PHOTO_BICUBIC = { 2: 29.22, 3: 27.36, 4: 25.95 } as const;
/** What the photo models were last trained on: the photo preset with phones' sharpening (docs/photo-models.md). */
const PHOTO_RECIPE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'recipes', 'photo-sharpened.json'), 'utf8'));

let root = '';
let dataDir = '';
/**
 * The repository's two sample photos (real camera JPEGs, CC0): the photo models are judged on real photos. The
 * synthetic photoLikeImage is mostly box-filtered random texture, which a denoiser cannot tell from noise.
 */
let photoDir = '';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-defaults-'));
  dataDir = path.join(root, 'hr');
  fs.mkdirSync(dataDir);
  // 120 is a multiple of 2, 3 and 4, so modcrop keeps the whole image at every scale.
  const image = photoLikeImage(120, 120, 7);
  await sharp(image.data, { raw: { width: 120, height: 120, channels: 3 } })
    .png()
    .toFile(path.join(dataDir, 'photo.png'));
  photoDir = path.join(root, 'photos');
  fs.mkdirSync(photoDir);
  for (const name of ['chelsea.jpg', 'coffee.jpg']) fs.copyFileSync(path.join(REPO_ROOT, 'samples', name), path.join(photoDir, name));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('bundled default models', () => {
  for (const scale of SCALES) {
    it(`×${scale}: srcnn-x${scale} is bundled, self-describing, and beats bicubic`, async () => {
      const model = await loadModel(`srcnn-x${scale}`, { stateDir: root });
      expect(model.source).toBe('builtin');
      expect(model.meta).toMatchObject({ id: `srcnn-x${scale}`, scale, colorMode: 'y', inputKind: 'upsampled' });
      expect(model.meta.architecture).toMatch(/^srcnn-/);
      expect(model.meta.provenance).toMatch(/run \d+/);
      expect(model.meta.scores[`set5-x${scale}`].psnr).toBeGreaterThan(SET5_BICUBIC[scale]);
      expect(model.meta.scores[`set14-x${scale}`].ssim).toBeGreaterThan(0);

      const bicubic = await runEval({ dataDir, scale, method: interpolationMethod('bicubic') });
      const trained = await runEval({ dataDir, scale, method: await resolveModelEvalMethod(model.path, scale, { device: 'cpu' }) });
      expect(trained.method).toBe(`srcnn-x${scale}`);
      expect(trained.mean.psnr).toBeGreaterThan(bicubic.mean.psnr);
      expect(trained.mean.ssim).toBeGreaterThan(bicubic.mean.ssim);
    });
  }

  for (const scale of PHOTO_SCALES) {
    it(`×${scale}: photo-x${scale} is the default, trained on the photo degradations, and beats bicubic on the sample photos degraded like phone JPEGs`, async () => {
      const model = await defaultModelFor(scale, { stateDir: root });
      expect(model.source).toBe('builtin');
      expect(model.meta).toMatchObject({ id: `photo-x${scale}`, scale, colorMode: 'y', inputKind: 'lr' });
      expect(model.meta.degradation?.name).toBe('photo-sharpened');
      expect(model.meta.degradation?.recipe).toEqual(PHOTO_RECIPE);
      expect(model.meta.lineage?.map((a) => a.id)).toContain(`fsrcnn-x${scale}`);
      // Strength blends it with the clean model it was fine-tuned from.
      expect((await strengthPartner(model, { stateDir: root }))?.meta.id).toBe(`fsrcnn-x${scale}`);
      expect(model.meta.scores[`set5-photo-seed1-x${scale}`].psnr).toBeGreaterThan(SET5_PHOTO_BICUBIC[scale]);

      const degradation = { name: 'photo', recipe: preset('photo').recipe, seed: 1 };
      const bicubic = await runEval({ dataDir: photoDir, scale, method: interpolationMethod('bicubic'), degradation });
      const trained = await runEval({
        dataDir: photoDir,
        scale,
        method: await resolveModelEvalMethod(model.path, scale, { device: 'cpu' }),
        degradation,
      });
      expect(trained.mean.psnr).toBeGreaterThan(bicubic.mean.psnr);
      expect(trained.mean.ssim).toBeGreaterThan(bicubic.mean.ssim);
    });
  }

  for (const scale of SCALES) {
    it(`×${scale}: fsrcnn-x${scale}, the best architecture, is bundled, works on the LR image, and beats bicubic`, async () => {
      const model = await loadModel(`fsrcnn-x${scale}`, { stateDir: root });
      expect(model.source).toBe('builtin');
      expect(model.meta).toMatchObject({ scale, colorMode: 'y', inputKind: 'lr' });
      expect(model.meta.architecture).toMatch(/^fsrcnn-.*-res/);
      expect(model.meta.provenance).toMatch(/run \d+/);
      expect(model.meta.scores[`set5-x${scale}`].psnr).toBeGreaterThan(SET5_BICUBIC[scale]);

      const bicubic = await runEval({ dataDir, scale, method: interpolationMethod('bicubic') });
      const trained = await runEval({ dataDir, scale, method: await resolveModelEvalMethod(model.path, scale, { device: 'cpu' }) });
      expect(trained.mean.psnr).toBeGreaterThan(bicubic.mean.psnr);
    });
  }

  for (const scale of SCALES) {
    it(`×${scale}: the int8 variants are within 0.1 dB of their parents on Set5 and Set14`, async () => {
      for (const family of ['srcnn', 'fsrcnn', 'photo']) {
        const parent = await loadModel(`${family}-x${scale}`, { stateDir: root });
        const model = await loadModel(`${family}-x${scale}-int8`, { stateDir: root });
        expect(model.source).toBe('builtin');
        expect(model.meta).toMatchObject({ scale, inputKind: parent.meta.inputKind, architecture: parent.meta.architecture });
        const q = model.meta.quantizedFrom;
        expect(q).toMatchObject({ id: parent.meta.id, format: 'int8', calibration: 'dataset:1 (validation split)' });
        expect(q && withinQualityBudget(q)).toBe(true);
        for (const set of ['set5', 'set14']) {
          const key = `${set}-x${scale}`;
          const loss = (parent.meta.scores[key].psnr ?? 0) - (model.meta.scores[key].psnr ?? 0);
          expect(Math.abs(loss), `${model.meta.id} on ${set}`).toBeLessThanOrEqual(0.1);
        }
      }
    });
  }

  it('every bundled model has its model card beside it, saying how it was made', async () => {
    const models = (await listModels({ stateDir: root })).filter((m) => m.source === 'builtin');
    expect(models.length).toBeGreaterThanOrEqual(18);
    for (const model of models) {
      const card = fs.readFileSync(model.path.replace(/\.onnx$/, '.md'), 'utf8');
      expect(card).toContain(model.meta.id);
      expect(card).toMatch(/Set5/);
      expect(card).toMatch(model.meta.quantizedFrom ? /node bin\/srstudio\.js models quantize / : /node bin\/srstudio\.js train /);
    }
  });

  it('srstudio upscale with no --model uses the bundled model for the scale', async () => {
    const out = path.join(root, 'out');
    const state = path.join(root, 'state');
    const int8 = hasInt8DotProduct() ? '-int8' : '';
    for (const [scale, id] of [
      [3, 'photo-x3'],
      [2, 'photo-x2'],
    ] as const) {
      const result = await runCli([
        'upscale',
        dataDir,
        '-o',
        `${out}-${scale}`,
        '--scale',
        String(scale),
        '--device',
        'cpu',
        '--state',
        state,
      ]);
      expect(result.code, result.stderr).toBe(0);
      // The plan line ("… to upscale with photo-x3 into …") names the model the batch uses: its int8 variant where
      // this CPU has int8 dot products (--precision auto, the default).
      expect(result.stdout + result.stderr).toContain(`with ${id}${int8} into`);
      const meta = await sharp(path.join(`${out}-${scale}`, `photo_x${scale}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([120 * scale, 120 * scale]);
    }
  });
});
