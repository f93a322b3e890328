import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSplit, createDataset } from '../../../src/engine/datasets/index.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { resolveImagePaths } from '../../../src/engine/training/data-source.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';
import { type ImageFolder, writeImageFolder } from '../../helpers/training-images.ts';

let images: ImageFolder;
let state: { dir: string; cleanup(): void };
let store: Store;

beforeAll(async () => {
  images = await writeImageFolder(3, 40, 40, 1);
  state = makeTempDir('srstudio-train-data-');
  store = openStore(state.dir);
});

afterAll(() => {
  store.close();
  state.cleanup();
  images.cleanup();
});

describe('resolveImagePaths', () => {
  it('lists a folder, and reads a data set split by split', async () => {
    expect(await resolveImagePaths(images.dir, store, 'train')).toEqual(images.paths);
    const { dataset } = await createDataset(store, 'tiny', [images.dir], { patchSize: 16 });
    assignSplit(store, dataset.id, [images.paths[2]], 'val');
    expect(await resolveImagePaths(`dataset:${dataset.id}`, store, 'train')).toEqual(images.paths.slice(0, 2));
    expect(await resolveImagePaths(`dataset:${dataset.id}`, store, 'val')).toEqual([images.paths[2]]);
  });

  it('says how to train on a folder whose photos are all in subfolders', async () => {
    const { mkdirSync, renameSync } = await import('node:fs');
    const { join } = await import('node:path');
    const tree = await writeImageFolder(1, 40, 40, 9);
    try {
      mkdirSync(join(tree.dir, '2024'));
      renameSync(tree.paths[0], join(tree.dir, '2024', 'photo.png'));
      await expect(resolveImagePaths(tree.dir, store, 'train')).rejects.toThrow(
        expect.objectContaining({
          code: 'NO_IMAGES',
          message: `No images in ${tree.dir} (subfolders are not searched)`,
          hint: expect.stringContaining(`srstudio datasets create NAME ${tree.dir} --recursive, then --data dataset:ID`),
        }),
      );
    } finally {
      tree.cleanup();
    }
  });

  it('says when a data set has no validation images', async () => {
    const { dataset } = await createDataset(store, 'no-val', [images.dir], { patchSize: 16 });
    await expect(resolveImagePaths(`dataset:${dataset.id}`, store, 'val')).rejects.toThrow(
      expect.objectContaining({ code: 'NO_IMAGES', message: `Data set ${dataset.id} has no validation images on disk` }),
    );
  });
});
