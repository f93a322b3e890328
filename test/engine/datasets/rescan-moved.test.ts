import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataset, getDataset, rescanDataset } from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { datasetImagePaths } from '../../../src/engine/datasets/image-paths.ts';
import { randomSplit } from '../../../src/engine/datasets/split.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

describe('missing and moved photos', () => {
  let temp: { dir: string; cleanup(): void };
  let store: Store;
  let root: string;
  beforeEach(async () => {
    temp = makeTempDir('srstudio-ds-');
    store = openStore(path.join(temp.dir, 'state'));
    root = path.join(temp.dir, 'shoot');
    for (let i = 0; i < 4; i += 1) await writeNoisePng(path.join(root, `img${i}.png`), 40, 40, 100 + i);
  });
  afterEach(() => {
    store.close();
    temp.cleanup();
  });

  it('flags a vanished photo as missing (not forgotten) and hides it from training paths', async () => {
    const { dataset } = await createDataset(store, 'm', [root]);
    const gone = path.join(root, 'img1.png');
    const keep = fs.readFileSync(gone);
    fs.rmSync(gone);
    // Training paths are checked on disk at call time, even before a rescan.
    expect(datasetImagePaths(store, dataset.id, 'all')).not.toContain(gone);
    const result = await rescanDataset(store, dataset.id);
    expect(result.missing).toBe(1);
    expect(getDataset(store, dataset.id)).toMatchObject({ images: 3, missing: 1 });
    expect(new DatasetsRepo(store).images(dataset.id).find((i) => i.path === gone)?.missing).toBe(true);
    // It comes back when the file does.
    fs.writeFileSync(gone, keep);
    expect(await rescanDataset(store, dataset.id)).toMatchObject({ missing: 0, images: 4, added: 0 });
  });

  it('heals a photo moved within the dataset folder by its hash, keeping its split', async () => {
    const { dataset } = await createDataset(store, 'm', [root], { recursive: true });
    randomSplit(store, dataset.id, { valFraction: 0.5, seed: 3 });
    const before = new DatasetsRepo(store).images(dataset.id).find((i) => i.path.endsWith('img2.png'));
    const moved = path.join(root, 'sorted', 'renamed.png');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(path.join(root, 'img2.png'), moved);
    const result = await rescanDataset(store, dataset.id);
    expect(result).toMatchObject({ healed: 1, added: 0, missing: 0, images: 4 });
    const after = new DatasetsRepo(store).images(dataset.id).find((i) => i.path === moved);
    expect(after).toMatchObject({ id: before?.id, sha256: before?.sha256, split: before?.split, missing: false });
  });

  it('follows a moved root with --root OLD=NEW, and flags everything missing until then', async () => {
    const { dataset } = await createDataset(store, 'm', [root]);
    randomSplit(store, dataset.id, { valFraction: 0.25, seed: 9 });
    const splitsBefore = new DatasetsRepo(store).images(dataset.id).map((i) => [path.basename(i.path), i.split]);
    const newRoot = path.join(temp.dir, 'archive', 'shoot-2024');
    fs.mkdirSync(path.dirname(newRoot));
    fs.renameSync(root, newRoot);

    const lost = await rescanDataset(store, dataset.id);
    expect(lost).toMatchObject({ missing: 4, images: 0 });
    expect(lost.skipped).toContainEqual({ path: root, code: 'NOT_FOUND', reason: 'folder not found (moved or deleted?)' });

    await expect(rescanDataset(store, dataset.id, { remap: [{ from: root, to: path.join(temp.dir, 'nope') }] })).rejects.toThrowError(
      /does not exist/,
    );
    const healed = await rescanDataset(store, dataset.id, { remap: [{ from: root, to: newRoot }] });
    expect(healed).toMatchObject({ missing: 0, images: 4, added: 0 });
    const record = getDataset(store, dataset.id);
    expect(record.roots).toEqual([newRoot]);
    expect(new DatasetsRepo(store).images(dataset.id).map((i) => [path.basename(i.path), i.split])).toEqual(splitsBefore);
    expect(datasetImagePaths(store, dataset.id, 'all').every((p) => p.startsWith(newRoot))).toBe(true);
  });
});
