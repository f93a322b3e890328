import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addToDataset,
  createDataset,
  deleteDataset,
  getDataset,
  listDatasets,
  removeFromDataset,
  rescanDataset,
} from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { datasetImagePaths } from '../../../src/engine/datasets/image-paths.ts';
import type { SyncProgress } from '../../../src/engine/datasets/types.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { type FixtureTree, makeFixtureTree, writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

describe('dataset import', () => {
  let temp: { dir: string; cleanup(): void };
  let store: Store;
  let tree: FixtureTree;
  beforeEach(async () => {
    temp = makeTempDir('srstudio-ds-');
    store = openStore(path.join(temp.dir, 'state'));
    tree = await makeFixtureTree(temp.dir);
  });
  afterEach(() => {
    store.close();
    temp.cleanup();
  });

  it('imports a folder, skipping non-images, tiny, corrupt files and duplicates, each with a reason', async () => {
    const progress: SyncProgress[] = [];
    const { dataset, result } = await createDataset(store, 'mine', [tree.root], { onProgress: (p) => progress.push(p) });
    expect(dataset).toMatchObject({ name: 'mine', patchSize: 33, status: 'ready', images: 3, missing: 0, roots: [tree.root] });
    expect(result.added).toBe(3);
    expect(result.duplicates).toEqual([{ path: tree.duplicate, sameAs: tree.duplicateOf }]);
    const reasons = new Map(result.skipped.map((s) => [s.path, s]));
    expect(reasons.get(tree.textFile)?.reason).toBe('not an image file (extension .txt)');
    expect(reasons.get(tree.tiny)).toMatchObject({ code: 'TOO_SMALL', reason: '20×20 px is smaller than the 33 px training patch' });
    expect(reasons.get(tree.corrupt)?.code).toMatch(/NOT_AN_IMAGE|CORRUPT_IMAGE/);
    expect(reasons.get(tree.corrupt)?.reason.length).toBeGreaterThan(5);
    expect(result.skipped).toHaveLength(3);
    // Not recursive by default.
    expect(datasetImagePaths(store, dataset.id, 'all')).toEqual([...tree.images].sort());
    // Six files have an image extension (notes.txt is turned away by name before any reading).
    expect(progress.at(-1)).toEqual({ phase: 'importing', done: 6, total: 6 });
    expect(progress[0].phase).toBe('scanning');

    // Skips are kept for `datasets show`, duplicates included.
    const skips = new DatasetsRepo(store).skips(dataset.id);
    expect(skips.map((s) => s.code).sort()).toEqual(['DUPLICATE', 'NOT_AN_IMAGE', reasons.get(tree.corrupt)?.code, 'TOO_SMALL'].sort());
  });

  it('follows links to photos, and skips a link named like a photo that leads nowhere, saying so', async () => {
    const folder = path.join(temp.dir, 'links');
    fs.mkdirSync(folder);
    fs.symlinkSync(tree.images[0], path.join(folder, 'linked.png'));
    fs.symlinkSync(path.join(temp.dir, 'gone.jpg'), path.join(folder, 'dangling.jpg'));
    fs.symlinkSync(path.join(folder, 'loop.jpg'), path.join(folder, 'loop.jpg'));
    fs.symlinkSync(tree.root, path.join(folder, 'a-folder'));
    const { dataset, result } = await createDataset(store, 'links', [folder], { recursive: true });
    expect(dataset.images).toBe(1);
    const skipped = result.skipped.map(({ path: p, code, reason }) => [path.basename(p), code, reason]);
    expect(skipped.sort()).toEqual([
      ['dangling.jpg', 'NOT_FOUND', 'a link to nothing (its target does not exist)'],
      ['loop.jpg', 'NOT_FOUND', 'a link to nothing (it leads back to itself)'],
    ]);
  });

  it('records size, format, camera model and colour profile', async () => {
    const { dataset } = await createDataset(store, 'meta', [tree.root], { recursive: true });
    const images = new DatasetsRepo(store).images(dataset.id);
    expect(images).toHaveLength(4);
    const phone = images.find((i) => i.path === tree.camera);
    expect(phone).toMatchObject({ width: 80, height: 60, format: 'jpeg', cameraModel: 'Pixel 9', missing: false, split: null });
    expect(phone?.iccName).toMatch(/P3/);
    const a = images.find((i) => i.path === tree.duplicateOf);
    expect(a).toMatchObject({ width: 64, height: 48, format: 'png', bytes: fs.statSync(tree.duplicateOf).size });
    expect(a?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(images.map((i) => i.path)).toContain(tree.nested);
  });

  it('respects a custom patch size', async () => {
    const { dataset, result } = await createDataset(store, 'big-patches', [tree.root], { patchSize: 45 });
    // b.png is 40×40 and now too small; tiny.png too.
    expect(dataset.images).toBe(2);
    expect(
      result.skipped
        .filter((s) => s.code === 'TOO_SMALL')
        .map((s) => path.basename(s.path))
        .sort(),
    ).toEqual(['b.png', 'tiny.png']);
  });

  it('a second scan re-reads nothing and changes nothing; new files are picked up', async () => {
    const { dataset } = await createDataset(store, 'again', [tree.root]);
    const before = new DatasetsRepo(store).images(dataset.id);
    const again = await rescanDataset(store, dataset.id);
    expect(again).toMatchObject({ added: 0, healed: 0, missing: 0, images: 3 });
    expect(new DatasetsRepo(store).images(dataset.id)).toEqual(before);

    await writeNoisePng(path.join(tree.root, 'new.png'), 48, 48, 77);
    const third = await rescanDataset(store, dataset.id);
    expect(third).toMatchObject({ added: 1, images: 4 });
  });

  it('adds and removes folders and single images; a removed photo stays out on rescan', async () => {
    const other = path.join(temp.dir, 'other');
    await writeNoisePng(path.join(other, 'x.png'), 64, 64, 10);
    await writeNoisePng(path.join(other, 'y.png'), 64, 64, 11);
    const { dataset } = await createDataset(store, 'grow', [tree.camera]);
    expect(dataset.images).toBe(1);

    const added = await addToDataset(store, dataset.id, [other]);
    expect(added.added).toBe(2);
    expect(getDataset(store, dataset.id).images).toBe(3);

    removeFromDataset(store, dataset.id, [path.join(other, 'x.png')]);
    expect(datasetImagePaths(store, dataset.id, 'all')).toEqual([path.join(other, 'y.png'), tree.camera]);
    const rescan = await rescanDataset(store, dataset.id);
    expect(rescan.skipped.find((s) => s.path === path.join(other, 'x.png'))?.code).toBe('REMOVED');
    expect(getDataset(store, dataset.id).images).toBe(2);

    // Adding it back explicitly brings it back.
    await addToDataset(store, dataset.id, [path.join(other, 'x.png')]);
    expect(getDataset(store, dataset.id).images).toBe(3);

    const removed = removeFromDataset(store, dataset.id, [other]);
    expect(removed.removedRoots).toBe(1);
    expect(datasetImagePaths(store, dataset.id, 'all')).toEqual([path.join(other, 'x.png'), tree.camera]);
    expect(() => removeFromDataset(store, dataset.id, ['/nowhere/at/all'])).toThrowError(/is part of dataset/);
  });

  it('lists, finds by name and deletes datasets; rejects bad names and duplicate names', async () => {
    const { dataset } = await createDataset(store, 'first', [tree.root]);
    await createDataset(store, 'second', [tree.camera]);
    expect(listDatasets(store).map((d) => d.name)).toEqual(['first', 'second']);
    expect(getDataset(store, 'second').images).toBe(1);
    await expect(createDataset(store, 'first', [tree.root])).rejects.toThrowError(/already exists/);
    await expect(createDataset(store, '42', [tree.root])).rejects.toThrowError(/look like ids/);
    await expect(createDataset(store, 'nofolder', [path.join(temp.dir, 'nope')])).rejects.toThrowError(/No such folder or file/);
    deleteDataset(store, dataset.id);
    expect(listDatasets(store).map((d) => d.name)).toEqual(['second']);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM dataset_images WHERE dataset_id = ?').get(dataset.id)).toEqual({ n: 0 });
    expect(() => getDataset(store, 'first')).toThrowError(/No dataset named "first"/);
  });
});
