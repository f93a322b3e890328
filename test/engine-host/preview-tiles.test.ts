import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { photoLikeImage, psnr } from '../helpers/models-photo.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

let engine: Harness;
let photoPath: string;

beforeAll(async () => {
  engine = await startEngine();
  const work = path.join(engine.stateDir, 'work');
  fs.mkdirSync(work, { recursive: true });
  const photo = photoLikeImage(96, 72);
  photoPath = path.join(work, 'photo.png');
  await sharp(photo.data, { raw: { width: 96, height: 72, channels: 3 } })
    .png()
    .toFile(photoPath);
  const model = await writeTinyModel(work, 'y-identity', { id: 'tiny-identity-x2', scale: 2 });
  await engine.supervisor.request('models.import', { path: model });
});
afterAll(async () => {
  await engine.dispose();
});

describe('preview through the forked engine host', () => {
  it('returns one PNG tile per method, of region × scale, with the model pane close to bicubic', async () => {
    const result = await engine.supervisor.request('preview.tiles', {
      image: photoPath,
      region: { x: 16, y: 12, width: 40, height: 32 },
      scale: 2,
      methods: [
        { interpolation: 'nearest' },
        { interpolation: 'bilinear' },
        { interpolation: 'bicubic' },
        { interpolation: 'lanczos3' },
        { model: 'tiny-identity-x2' },
      ],
    });
    expect(result.tiles).toHaveLength(5);
    expect(result.source).toMatchObject({ width: 40, height: 32 });
    expect(result.truth).toBeUndefined();
    for (const tile of result.tiles) {
      expect(tile.image).toMatchObject({ width: 80, height: 64 });
      expect(tile.image.path.startsWith(path.join(engine.stateDir, 'cache', 'preview'))).toBe(true);
      expect(tile.seconds).toBeGreaterThanOrEqual(0);
      expect(tile.scores).toBeUndefined();
    }
    const bicubic = await decodePhoto(result.tiles[2].image.path);
    const model = await decodePhoto(result.tiles[4].image.path);
    expect(psnr(model.image, bicubic.image)).toBeGreaterThan(30);
  });

  it('evaluate mode returns the truth region, scores for every tile and exactly one best', async () => {
    const result = await engine.supervisor.request('preview.tiles', {
      image: photoPath,
      region: { x: 8, y: 8, width: 16, height: 12 },
      scale: 2,
      evaluate: true,
      methods: [{ interpolation: 'nearest' }, { interpolation: 'matlab-bicubic' }, { model: 'tiny-identity-x2' }],
    });
    expect(result.truth).toMatchObject({ width: 32, height: 24 });
    for (const tile of result.tiles) {
      expect(tile.scores?.psnr).toBeGreaterThan(15);
      expect(tile.scores?.ssim).toBeGreaterThan(0.2);
    }
    expect(result.tiles.filter((t) => t.best)).toHaveLength(1);
  });

  it('exports the comparison to a chosen .png and refuses unknown models and bad paths with clear errors', async () => {
    const to = path.join(engine.stateDir, 'work', 'comparison.png');
    const { image } = await engine.supervisor.request('preview.export', {
      image: photoPath,
      region: { x: 8, y: 8, width: 16, height: 16 },
      scale: 2,
      methods: [{ interpolation: 'nearest' }, { interpolation: 'lanczos3' }],
      to,
    });
    expect(image.path).toBe(to);
    const meta = await sharp(to).metadata();
    expect([meta.width, meta.height]).toEqual([image.width, image.height]);
    expect(image.width).toBe(2 * 32 + 3 * 8);

    await expect(
      engine.supervisor.request('preview.tiles', {
        image: photoPath,
        region: { x: 0, y: 0, width: 8, height: 8 },
        scale: 2,
        methods: [{ model: 'nope' }],
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MODEL' });
    await expect(
      engine.supervisor.request('preview.tiles', {
        image: `${path.dirname(photoPath)}/../work/photo.png`,
        region: { x: 0, y: 0, width: 8, height: 8 },
        scale: 2,
        methods: [{ interpolation: 'nearest' }],
      }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
