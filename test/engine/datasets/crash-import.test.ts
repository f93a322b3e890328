import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getDataset, markInterruptedImports, rescanDataset } from '../../../src/engine/datasets/datasets.ts';
import { DatasetsRepo } from '../../../src/engine/datasets/datasets-repo.ts';
import { openStore } from '../../../src/engine/store/store.ts';
import { NOBODY, nobodySkipNote, nobodyUnavailable } from '../../helpers/nobody.ts';
import { killHard, spawnTsScript, waitForExit, waitForLine } from '../../helpers/store-child.ts';
import { writeNoisePng } from '../../helpers/store-fixtures.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

const helpers = path.resolve(import.meta.dirname, '..', '..', 'helpers');

describe('dataset import in a real process', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('kill -9 in the middle of a large import leaves a sound DB, and a rescan resumes it', async () => {
    const temp = makeTempDir('srstudio-ds-');
    cleanup = temp.cleanup;
    const folder = path.join(temp.dir, 'many');
    const total = 400;
    for (let i = 0; i < total; i += 1) await writeNoisePng(path.join(folder, `${String(i).padStart(4, '0')}.png`), 34, 34, 7000 + i);
    // Ten byte-identical copies: de-duplication must survive the resume too.
    for (let i = 0; i < 10; i += 1)
      fs.copyFileSync(path.join(folder, `${String(i).padStart(4, '0')}.png`), path.join(folder, `dup-${i}.png`));
    const stateDir = path.join(temp.dir, 'state');

    const child = spawnTsScript(path.join(helpers, 'store-child-import.ts'), [stateDir, 'big', folder, '25']);
    await waitForLine(child, (line) => {
      const m = /^progress importing (\d+) /.exec(line);
      return m !== null && Number(m[1]) >= 110;
    });
    await killHard(child);
    expect(child.signalCode).toBe('SIGKILL');

    const store = openStore(stateDir);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const repo = new DatasetsRepo(store);
      const [dataset] = repo.list();
      expect(dataset.status).toBe('importing');
      const partial = dataset.images;
      // Progress counts files examined; file 110 is in the fifth batch of 25, so the first four were committed.
      expect(partial).toBeGreaterThanOrEqual(100);
      expect(partial).toBeLessThan(total);
      // Committed batches are whole: a multiple of the batch size (all files before the kill were distinct).
      expect(partial % 25).toBe(0);

      expect(markInterruptedImports(store)).toBe(1);
      expect(getDataset(store, dataset.id).status).toBe('interrupted');
      const resumed = await rescanDataset(store, dataset.id);
      expect(resumed.added).toBe(total - partial);
      expect(resumed.duplicates).toHaveLength(10);
      expect(getDataset(store, dataset.id)).toMatchObject({ status: 'ready', images: total, missing: 0 });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  });

  it.skipIf(nobodyUnavailable)(
    `skips a file the importing user cannot read, with a reason (non-root child process)${nobodySkipNote}`,
    async () => {
      const temp = makeTempDir('srstudio-ds-');
      cleanup = temp.cleanup;
      fs.chmodSync(temp.dir, 0o755);
      const folder = path.join(temp.dir, 'photos');
      await writeNoisePng(path.join(folder, 'ok.png'), 40, 40, 1);
      await writeNoisePng(path.join(folder, 'secret.png'), 40, 40, 2);
      fs.chmodSync(path.join(folder, 'secret.png'), 0o000);
      const stateDir = path.join(temp.dir, 'state');
      fs.mkdirSync(stateDir, { mode: 0o777 });
      fs.chmodSync(stateDir, 0o777);

      const child = spawnTsScript(
        path.join(helpers, 'store-child-import.ts'),
        [stateDir, 'perm', folder],
        {},
        { uid: NOBODY, gid: NOBODY },
      );
      expect(await waitForExit(child)).toBe(0);
      const report = JSON.parse(child.lines.find((l) => l.startsWith('{')) ?? '{}') as {
        images: number;
        skipped: { path: string; code: string; reason: string }[];
      };
      expect(report.images).toBe(1);
      expect(report.skipped).toEqual([
        { path: path.join(folder, 'secret.png'), code: 'NOT_READABLE', reason: expect.stringMatching(/Permission denied/) },
      ]);
    },
  );
});
