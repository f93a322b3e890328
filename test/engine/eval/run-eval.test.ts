import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSrError, type SrError } from '../../../src/engine/errors.ts';
import { type EvalMethod, interpolationMethod } from '../../../src/engine/eval/protocol.ts';
import { reconstructionFileName, runEval } from '../../../src/engine/eval/run-eval.ts';
import { decodePhoto } from '../../../src/engine/imaging/decode.ts';
import type { RgbImage } from '../../../src/engine/imaging/image.ts';
import { scoreImages } from '../../../src/engine/metrics/score.ts';
import { photoLikeImage } from '../../helpers/eval-fixtures.ts';
import { makeTempDir, writeGreyPng, writePng } from '../../helpers/eval-folders.ts';

async function rejection(promise: Promise<unknown>): Promise<SrError> {
  try {
    await promise;
  } catch (error) {
    if (isSrError(error)) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

function withAlpha(image: RgbImage): RgbImage {
  const n = image.width * image.height;
  const data = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) data.set([image.data[i * 3], image.data[i * 3 + 1], image.data[i * 3 + 2], (i * 7) & 255], i * 4);
  return { width: image.width, height: image.height, channels: 4, data };
}

function greyOf(image: RgbImage): RgbImage {
  const n = image.width * image.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data.fill(image.data[i * 3], i * 3, i * 3 + 3);
  return { width: image.width, height: image.height, channels: 3, data };
}

const bicubic = interpolationMethod('bicubic');

describe('runEval', () => {
  let dir = '';
  let cleanup = () => {};
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('run-eval'));
  });
  afterEach(() => cleanup());

  it('scores every image in name order, reports progress, and ignores non-images and hidden files', async () => {
    await writePng(path.join(dir, 'b.png'), photoLikeImage(60, 50, 2));
    await writePng(path.join(dir, 'a.png'), photoLikeImage(50, 60, 3));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
    fs.writeFileSync(path.join(dir, '.c.png.1234.srs-tmp'), '');
    const progress: string[] = [];
    const result = await runEval({
      dataDir: dir,
      scale: 2,
      method: bicubic,
      onImage: (r, done, total) => progress.push(`${r.name} ${done}/${total}`),
    });
    expect(progress).toEqual(['a.png 1/2', 'b.png 2/2']);
    expect(result.method).toBe('bicubic');
    expect(result.scale).toBe(2);
    expect(result.data).toBe(path.resolve(dir));
    expect(result.mean.psnr).toBeCloseTo((result.images[0].psnr + result.images[1].psnr) / 2, 10);
    expect(result.mean.ssim).toBeCloseTo((result.images[0].ssim + result.images[1].ssim) / 2, 10);
    for (const r of result.images) {
      expect(r.psnr).toBeGreaterThan(15);
      expect(r.psnr).toBeLessThan(60);
      expect(r.seconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('reads greyscale as RGB with the channel repeated, and ignores alpha', async () => {
    const photo = photoLikeImage(48, 42, 4);
    await writeGreyPng(path.join(dir, 'grey.png'), photo);
    await writePng(path.join(dir, 'grey-as-rgb.png'), greyOf(photo));
    await writePng(path.join(dir, 'rgba.png'), withAlpha(photo));
    await writePng(path.join(dir, 'rgb.png'), photo);
    const { images } = await runEval({ dataDir: dir, scale: 3, method: bicubic });
    const by = Object.fromEntries(images.map((r) => [r.name, r]));
    expect(by['grey.png'].psnr).toBe(by['grey-as-rgb.png'].psnr);
    expect(by['rgba.png'].psnr).toBe(by['rgb.png'].psnr);
    expect(by['rgba.png'].ssim).toBe(by['rgb.png'].ssim);
  });

  it('saves each reconstruction as a PNG of the modcropped size whose score matches', async () => {
    const photo = photoLikeImage(62, 47, 5); // modcrop ×4 → 60×44
    await writePng(path.join(dir, 'photo.png'), photo);
    const saveDir = path.join(dir, 'out', 'nested');
    const result = await runEval({ dataDir: dir, scale: 4, method: bicubic, saveDir });
    const saved = path.join(saveDir, reconstructionFileName('photo.png', 4, 'bicubic'));
    expect(path.basename(saved)).toBe('photo_x4_bicubic.png');
    const { image } = await decodePhoto(saved);
    expect([image.width, image.height]).toEqual([60, 44]);
    const { image: hr } = await decodePhoto(path.join(dir, 'photo.png'));
    const cropped = { ...hr, width: 60, height: 44, data: new Uint8Array(60 * 44 * 3) };
    for (let y = 0; y < 44; y++) cropped.data.set(hr.data.subarray(y * 62 * 3, y * 62 * 3 + 60 * 3), y * 60 * 3);
    expect(scoreImages(image, cropped, 4).psnr).toBe(result.images[0].psnr);
  });

  it('names model paths in saved files by their file name only', () => {
    expect(reconstructionFileName('img 1.jpeg', 3, '/models/my srcnn.onnx')).toBe('img 1_x3_my-srcnn.png');
  });

  it('fails on a missing folder, a file, a folder without images, and an unsupported scale', async () => {
    const missing = path.join(dir, 'nope');
    const e1 = await rejection(runEval({ dataDir: missing, scale: 2, method: bicubic }));
    expect(e1.code).toBe('NOT_FOUND');
    expect(e1.message).toContain(missing);

    const file = path.join(dir, 'x.png');
    await writePng(file, photoLikeImage(20, 20, 1));
    const e2 = await rejection(runEval({ dataDir: file, scale: 2, method: bicubic }));
    expect(e2.code).toBe('BAD_ARGUMENT');
    expect(e2.message).toContain('is a file, not a folder');

    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'readme.md'), '# nothing');
    const e3 = await rejection(runEval({ dataDir: empty, scale: 2, method: bicubic }));
    expect(e3.code).toBe('NO_IMAGES');
    expect(e3.message).toContain(empty);

    const e4 = await rejection(runEval({ dataDir: dir, scale: 5, method: bicubic }));
    expect(e4.code).toBe('BAD_ARGUMENT');
    expect(e4.hint).toContain('2|3|4');
  });

  it('stops at a corrupt file and names it', async () => {
    await writePng(path.join(dir, 'a.png'), photoLikeImage(40, 40, 1));
    const bad = path.join(dir, 'b.png');
    const good = fs.readFileSync(path.join(dir, 'a.png'));
    fs.writeFileSync(bad, good.subarray(0, 60)); // a truncated PNG
    const seen: string[] = [];
    const error = await rejection(runEval({ dataDir: dir, scale: 2, method: bicubic, onImage: (r) => seen.push(r.name) }));
    expect(seen).toEqual(['a.png']);
    expect(error.message).toMatch(/^Evaluation stopped/);
    expect(error.message).toContain(bad);
    expect(error.hint).toBeTruthy();
  });

  it('stops on an image too small to score, naming it', async () => {
    const tiny = path.join(dir, 'tiny.png');
    await writePng(tiny, photoLikeImage(17, 17, 1)); // ×4: 16×16, shaved to 8×8 < SSIM's 11×11
    const error = await rejection(runEval({ dataDir: dir, scale: 4, method: bicubic }));
    expect(error.code).toBe('TOO_SMALL');
    expect(error.message).toContain(tiny);
  });

  it('refuses a method that returns the wrong size, naming the image', async () => {
    await writePng(path.join(dir, 'a.png'), photoLikeImage(30, 30, 1));
    const sloppy: EvalMethod = { name: 'sloppy', reconstruct: async (lr) => lr };
    const error = await rejection(runEval({ dataDir: dir, scale: 2, method: sloppy }));
    expect(error.message).toMatch(/a\.png.*15×15 but the ground truth is 30×30/);
  });

  it('stops with CANCELLED when the signal is aborted', async () => {
    await writePng(path.join(dir, 'a.png'), photoLikeImage(30, 30, 1));
    await writePng(path.join(dir, 'b.png'), photoLikeImage(30, 30, 2));
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await rejection(
      runEval({
        dataDir: dir,
        scale: 2,
        method: bicubic,
        signal: controller.signal,
        onImage: (r) => {
          seen.push(r.name);
          controller.abort();
        },
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(seen).toEqual(['a.png']);
  });
});
