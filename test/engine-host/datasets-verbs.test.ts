import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { photoLikeImage } from '../helpers/models-photo.ts';

let engine: Harness;
let folder: string;
const logs: EventPayload<'log'>[] = [];

async function writeImage(file: string, seed: number): Promise<void> {
  const image = photoLikeImage(64, 48, 3, seed);
  await sharp(image.data, { raw: { width: 64, height: 48, channels: 3 } })
    .png()
    .toFile(file);
}

beforeAll(async () => {
  engine = await startEngine();
  folder = path.join(engine.stateDir, 'work', 'photos');
  fs.mkdirSync(folder, { recursive: true });
  for (let i = 0; i < 6; i++) await writeImage(path.join(folder, `p${i}.png`), 100 + i);
  engine.supervisor.on('log', (e) => logs.push(e));
});
afterAll(async () => {
  await engine.dispose();
});

describe('dataset verbs through the forked engine host', () => {
  it('adds a folder to a data set, with reasons for what it skips, and removes it again', async () => {
    const first = path.join(engine.stateDir, 'work', 'first');
    const more = path.join(engine.stateDir, 'work', 'more');
    fs.mkdirSync(first, { recursive: true });
    fs.mkdirSync(more, { recursive: true });
    await writeImage(path.join(first, 'a.png'), 300);
    await writeImage(path.join(more, 'b.png'), 301);
    await writeImage(path.join(more, 'c.png'), 302);
    fs.writeFileSync(path.join(more, 'notes.txt'), 'not a photo');
    const { dataset } = await engine.supervisor.request('datasets.create', { name: 'grow', paths: [first] });
    expect(dataset.imageCount).toBe(1);

    const added = await engine.supervisor.request('datasets.add', { id: dataset.id, paths: [more] });
    expect(added).toMatchObject({ added: 2, skipped: 1 });
    expect(added.dataset.imageCount).toBe(3);
    expect(added.skippedFiles).toEqual([{ path: path.join(more, 'notes.txt'), reason: expect.stringMatching(/not an image/i) }]);

    const removed = await engine.supervisor.request('datasets.remove', { id: dataset.id, paths: [more] });
    expect(removed).toMatchObject({ removedRoots: 1, removedImages: 2 });
    expect(removed.dataset.imageCount).toBe(1);
    expect(fs.existsSync(path.join(more, 'b.png'))).toBe(true);
    await engine.supervisor.request('datasets.rm', { id: dataset.id });
  });

  it('splits reproducibly, rescans, exports, imports and makes thumbnails', async () => {
    const created = await engine.supervisor.request('datasets.create', { name: 'photos', paths: [folder] });
    const id = created.dataset.id;
    expect(created.added).toBe(6);

    const split = await engine.supervisor.request('datasets.split', { id, fractions: { train: 0.5, val: 0.5 }, seed: 7 });
    expect(split.dataset.splits).toEqual({ train: 3, val: 3 });
    const valOf = async () =>
      (await engine.supervisor.request('datasets.show', { id })).images
        .filter((i) => i.split === 'val')
        .map((i) => i.path)
        .sort();
    const firstVal = await valOf();
    await engine.supervisor.request('datasets.split', { id, fractions: { val: 0.5 }, seed: 7 });
    expect(await valOf()).toEqual(firstVal);
    await expect(engine.supervisor.request('datasets.split', { id, fractions: { test: 0.2 } })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });

    fs.rmSync(path.join(folder, 'p0.png'));
    await writeImage(path.join(folder, 'p6.png'), 200);
    const rescanned = await engine.supervisor.request('datasets.rescan', { id });
    expect(rescanned).toMatchObject({ added: 1, removed: 1 });
    expect(rescanned.dataset).toMatchObject({ imageCount: 6, missing: 1 });

    const manifest = path.join(engine.stateDir, 'work', 'photos.json');
    expect((await engine.supervisor.request('datasets.export', { id, to: manifest })).path).toBe(manifest);
    expect(JSON.parse(fs.readFileSync(manifest, 'utf8')).name).toBe('photos');
    await engine.supervisor.request('datasets.rm', { id });
    const imported = await engine.supervisor.request('datasets.import', { from: manifest });
    expect(imported.dataset).toMatchObject({ name: 'photos', imageCount: 6, missing: 1 });
    expect(imported.dataset.splits.train + imported.dataset.splits.val).toBe(6);

    const wanted = [path.join(folder, 'p1.png'), path.join(folder, 'p6.png'), path.join(folder, 'elsewhere.png')];
    const { thumbnails } = await engine.supervisor.request('datasets.thumbnails', { id: imported.dataset.id, paths: wanted });
    expect(thumbnails.map((t) => t.source)).toEqual(wanted.slice(0, 2));
    for (const { thumbnail } of thumbnails) {
      expect(thumbnail.path.startsWith(engine.stateDir)).toBe(true);
      const meta = await sharp(thumbnail.path).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', thumbnail.width, thumbnail.height]);
      expect([thumbnail.width, thumbnail.height]).toEqual([64, 48]);
    }
    await expect.poll(() => logs.some((l) => l.source === 'datasets' && l.message.includes('elsewhere.png'))).toBe(true);
  });

  it('refuses manifest paths that are relative or not .json', async () => {
    await expect(engine.supervisor.request('datasets.import', { from: 'photos.json' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    const list = await engine.supervisor.request('datasets.list', {});
    const id = list.datasets[0].id;
    await expect(engine.supervisor.request('datasets.export', { id, to: path.join(engine.stateDir, 'x.txt') })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('x.txt'),
    });
  });
});
