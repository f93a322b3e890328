import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataset } from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { datasetImagePaths } from '../../../src/engine/datasets/image-paths.ts';
import { assignSplit, randomSplit } from '../../../src/engine/datasets/split.ts';
import { datasetStats, patchesInImage } from '../../../src/engine/datasets/stats.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

describe('split and statistics', () => {
  let temp: { dir: string; cleanup(): void };
  let store: Store;
  let root: string;
  beforeEach(async () => {
    temp = makeTempDir('srstudio-ds-');
    store = openStore(path.join(temp.dir, 'state'));
    root = path.join(temp.dir, 'imgs');
    for (let i = 0; i < 20; i += 1) await writeNoisePng(path.join(root, `p${String(i).padStart(2, '0')}.png`), 33 + i, 40, 500 + i);
  });
  afterEach(() => {
    store.close();
    temp.cleanup();
  });

  it('splits at random, reproducibly from the seed, and never touches the files', async () => {
    const { dataset } = await createDataset(store, 's', [root]);
    const allPaths = datasetImagePaths(store, dataset.id, 'all');
    const fingerprint = () => allPaths.map((p) => `${fs.statSync(p).mtimeMs}:${fs.readFileSync(p).length}`);
    const filesBefore = fingerprint();
    expect(randomSplit(store, dataset.id, { valFraction: 0.2, seed: 42 })).toEqual({ train: 16, val: 4 });
    const val1 = datasetImagePaths(store, dataset.id, 'val');
    expect(val1).toHaveLength(4);
    expect(datasetImagePaths(store, dataset.id, 'train')).toHaveLength(16);
    expect([...val1, ...datasetImagePaths(store, dataset.id, 'train')].sort()).toEqual(allPaths);
    randomSplit(store, dataset.id, { valFraction: 0.2, seed: 7 });
    const val7 = datasetImagePaths(store, dataset.id, 'val');
    randomSplit(store, dataset.id, { valFraction: 0.2, seed: 42 });
    expect(datasetImagePaths(store, dataset.id, 'val')).toEqual(val1);
    expect(val7).not.toEqual(val1);
    expect(() => randomSplit(store, dataset.id, { valFraction: 1, seed: 1 })).toThrowError(/below 1/);
    expect(fingerprint()).toEqual(filesBefore);
  });

  it('assigns images to a split by hand, by path or hash', async () => {
    const { dataset } = await createDataset(store, 's', [root]);
    const images = new DatasetsRepo(store).images(dataset.id);
    expect(assignSplit(store, dataset.id, [images[0].path, images[1].sha256], 'val')).toBe(2);
    expect(datasetImagePaths(store, dataset.id, 'val')).toEqual([images[0].path, images[1].path]);
    expect(() => assignSplit(store, dataset.id, ['/not/here.png'], 'val')).toThrowError(/is not an image of dataset/);
  });

  it('counts patches on the SRCNN grid with the explicit formula', async () => {
    expect(patchesInImage(33, 33, { patch: 33, stride: 14 })).toBe(1);
    expect(patchesInImage(46, 33, { patch: 33, stride: 14 })).toBe(1);
    expect(patchesInImage(47, 33, { patch: 33, stride: 14 })).toBe(2);
    expect(patchesInImage(32, 100, { patch: 33, stride: 14 })).toBe(0);
    // A 256×256 image: (⌊223/14⌋+1)² = 16² = 256.
    expect(patchesInImage(256, 256, { patch: 33, stride: 14 })).toBe(256);

    const { dataset } = await createDataset(store, 's', [root]);
    assignSplit(store, dataset.id, [path.join(root, 'p19.png')], 'val');
    const stats = datasetStats(store, dataset.id);
    let expected = 0;
    for (let i = 0; i < 20; i += 1) expected += (Math.floor((33 + i - 33) / 14) + 1) * (Math.floor((40 - 33) / 14) + 1);
    expect(stats.patches).toMatchObject({ patch: 33, stride: 14, total: expected, val: 2, train: expected - 2 });
    expect(stats.patches.formula).toContain('floor((W-33)/14)+1');
    expect(stats).toMatchObject({
      images: 20,
      train: 19,
      val: 1,
      missing: 0,
      smallest: { width: 33, height: 40 },
      largest: { width: 52, height: 40 },
    });
    let pixels = 0;
    for (let i = 0; i < 20; i += 1) pixels += (33 + i) * 40;
    expect(stats.totalMegapixels).toBeCloseTo(pixels / 1e6, 9);
    expect(stats.sizeHistogram[0]).toMatchObject({ fromMp: 0, toMp: 0.25, count: 20 });
    expect(stats.sizeHistogram.reduce((n, b) => n + b.count, 0)).toBe(20);
    // Widths 40..49 give 1 column, 50..52 give 2; widths below 40 give none: 10·1 + 3·2.
    expect(datasetStats(store, dataset.id, { patch: 40, stride: 10 }).patches.total).toBe(16);
  });
});
