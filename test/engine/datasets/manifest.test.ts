import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataset, removeFromDataset } from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { exportManifest, importManifest } from '../../../src/engine/datasets/manifest.ts';
import { randomSplit } from '../../../src/engine/datasets/split.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

describe('dataset manifest', () => {
  let temp: { dir: string; cleanup(): void };
  let store: Store;
  let project: string;
  beforeEach(async () => {
    temp = makeTempDir('srstudio-ds-');
    store = openStore(path.join(temp.dir, 'state'));
    project = path.join(temp.dir, 'project');
    for (let i = 0; i < 6; i += 1) await writeNoisePng(path.join(project, 'photos', `f${i}.png`), 40, 40, 900 + i);
  });
  afterEach(() => {
    store.close();
    temp.cleanup();
  });

  it('exports relative paths, hashes and split; importing the moved project restores it', async () => {
    const { dataset } = await createDataset(store, 'portable', [path.join(project, 'photos')]);
    randomSplit(store, dataset.id, { valFraction: 0.5, seed: 11 });
    removeFromDataset(store, dataset.id, [path.join(project, 'photos', 'f5.png')]);
    const file = path.join(project, 'dataset.json');
    expect(await exportManifest(store, dataset.id, file)).toEqual({ images: 5, file });
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(manifest).toMatchObject({
      format: 'srstudio-dataset',
      version: 1,
      name: 'portable',
      patchSize: 33,
      roots: [{ path: 'photos', recursive: false }],
    });
    expect(manifest.images[0].path).toBe('photos/f0.png');
    expect(manifest.images.every((i: { sha256: string }) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    const splitByName = new Map(new DatasetsRepo(store).images(dataset.id).map((i) => [path.basename(i.path), i.split]));

    // Move the whole project elsewhere, delete one photo, then import into a fresh store.
    const movedProject = path.join(temp.dir, 'elsewhere', 'project');
    fs.mkdirSync(path.dirname(movedProject));
    fs.renameSync(project, movedProject);
    fs.rmSync(path.join(movedProject, 'photos', 'f0.png'));
    const other = openStore(path.join(temp.dir, 'state2'));
    try {
      const { dataset: imported, result } = await importManifest(other, path.join(movedProject, 'dataset.json'));
      expect(imported).toMatchObject({ name: 'portable', images: 4, missing: 1, roots: [path.join(movedProject, 'photos')] });
      expect(result.added).toBe(0);
      const images = new DatasetsRepo(other).images(imported.id);
      for (const image of images) expect(image.split).toBe(splitByName.get(path.basename(image.path)) ?? image.split);
      expect(images.find((i) => i.path.endsWith('f0.png'))?.missing).toBe(true);
      // The removed photo stays removed.
      expect(images.find((i) => i.path.endsWith('f5.png'))).toBeUndefined();
      await expect(importManifest(other, path.join(movedProject, 'dataset.json'))).rejects.toThrowError(/already exists/);
      const renamed = await importManifest(other, path.join(movedProject, 'dataset.json'), { name: 'copy' });
      expect(renamed.dataset.name).toBe('copy');
    } finally {
      other.close();
    }
  });

  it('explains a file that is not a manifest', async () => {
    const bad = path.join(temp.dir, 'bad.json');
    fs.writeFileSync(bad, '{"format":"something-else"}');
    await expect(importManifest(store, bad)).rejects.toThrowError(/is not an SR Studio dataset manifest/);
    fs.writeFileSync(bad, '{oops');
    await expect(importManifest(store, bad)).rejects.toThrowError(/is not valid JSON/);
    await expect(importManifest(store, path.join(temp.dir, 'none.json'))).rejects.toThrowError(/No such file/);
  });
});
