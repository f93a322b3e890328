import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataset } from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { previewPatches } from '../../../src/engine/datasets/patch-preview.ts';
import { thumbnailPath } from '../../../src/engine/datasets/thumbnails.ts';
import { imresizeRgb } from '../../../src/engine/imaging/matlab-resize.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { writeCameraJpeg, writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

describe('thumbnails and patch previews', () => {
  let temp: { dir: string; cleanup(): void };
  let store: Store;
  let root: string;
  beforeEach(async () => {
    temp = makeTempDir('srstudio-ds-');
    store = openStore(path.join(temp.dir, 'state'));
    root = path.join(temp.dir, 'imgs');
    await writeNoisePng(path.join(root, 'wide.png'), 600, 300, 1);
    await writeCameraJpeg(path.join(root, 'small.jpg'), 100, 80, 'X100');
  });
  afterEach(() => {
    store.close();
    temp.cleanup();
  });

  it('makes a 256 px WebP thumbnail once and caches it under thumbnails/', async () => {
    const { dataset } = await createDataset(store, 't', [root]);
    const [small, wide] = new DatasetsRepo(store).images(dataset.id);
    const thumb = await thumbnailPath(store, dataset.id, wide.id);
    expect(path.dirname(thumb)).toBe(store.paths.thumbnails);
    const meta = await sharp(thumb).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 128 });
    const firstTime = fs.statSync(thumb).mtimeMs;
    expect(await thumbnailPath(store, dataset.id, wide.id)).toBe(thumb);
    expect(fs.statSync(thumb).mtimeMs).toBe(firstTime);
    // Never enlarged.
    expect(await sharp(await thumbnailPath(store, dataset.id, small.id)).metadata()).toMatchObject({ width: 100, height: 80 });
    expect(fs.readdirSync(store.paths.thumbnails).filter((n) => n.endsWith('.srs-tmp'))).toEqual([]);
    await expect(thumbnailPath(store, dataset.id, 9999)).rejects.toThrowError(/no image with id 9999/);
    fs.rmSync(small.path);
    fs.rmSync(path.join(store.paths.thumbnails, `${small.sha256}.webp`));
    await expect(thumbnailPath(store, dataset.id, small.id)).rejects.toThrowError(/is missing/);
  });

  it('makes the thumbnail of an iPhone photo (HEIC), which libvips cannot decode', async () => {
    const phone = path.join(temp.dir, 'phone');
    fs.mkdirSync(phone);
    fs.copyFileSync(path.resolve(import.meta.dirname, '../../fixtures/heic/photo.heic'), path.join(phone, 'IMG_0001.HEIC'));
    const { dataset } = await createDataset(store, 'phone', [phone]);
    const [photo] = new DatasetsRepo(store).images(dataset.id);

    const meta = await sharp(await thumbnailPath(store, dataset.id, photo.id)).metadata();

    expect(meta).toMatchObject({ format: 'webp', width: 64, height: 48 });
  });

  it('returns HR/LR patch pairs as PNGs, LR made by MATLAB bicubic down and up', async () => {
    const { dataset } = await createDataset(store, 't', [path.join(root, 'wide.png')]);
    const pairs = await previewPatches(store, dataset.id, { count: 3, scale: 3, seed: 5 });
    expect(pairs).toHaveLength(3);
    for (const pair of pairs) {
      expect(pair.size).toBe(33);
      const hr = await sharp(pair.hr).raw().toBuffer({ resolveWithObject: true });
      const lr = await sharp(pair.lr).raw().toBuffer({ resolveWithObject: true });
      expect(hr.info).toMatchObject({ format: 'raw', width: 33, height: 33, channels: 3 });
      expect(lr.info).toMatchObject({ width: 33, height: 33, channels: 3 });
      // The HR patch is the source's pixels at (x, y).
      const source = await sharp(pair.source).extract({ left: pair.x, top: pair.y, width: 33, height: 33 }).removeAlpha().raw().toBuffer();
      expect(Buffer.compare(hr.data, source)).toBe(0);
      // The LR view is exactly imresize(imresize(hr, 1/3), 3).
      const hrImage = { width: 33, height: 33, channels: 3 as const, data: new Uint8Array(hr.data) };
      const expected = imresizeRgb(imresizeRgb(hrImage, 11, 11), 33, 33);
      expect(Buffer.compare(lr.data, Buffer.from(expected.data))).toBe(0);
    }
    const again = await previewPatches(store, dataset.id, { count: 3, scale: 3, seed: 5 });
    expect(again.map((p) => [p.x, p.y])).toEqual(pairs.map((p) => [p.x, p.y]));
    expect((await previewPatches(store, dataset.id, { count: 1, scale: 4, seed: 5 }))[0].size).toBe(32);
  });
});
