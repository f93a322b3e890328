import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtureTree } from '../helpers/store-fixtures.ts';
import { makeTempDir } from '../helpers/store-temp.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function srstudio(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'srstudio.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('srstudio datasets', () => {
  let temp: { dir: string; cleanup(): void };
  beforeEach(() => {
    temp = makeTempDir('srstudio-cli-ds-');
  });
  afterEach(() => temp.cleanup());

  // Each CLI call is a real Node start (about 1–2 s idle; far more when the shared machine is busy), hence the long timeout.
  it('create --json reports images, skips with reasons and duplicates; list/split/show agree', { timeout: 240_000 }, async () => {
    const tree = await makeFixtureTree(temp.dir);
    const state = path.join(temp.dir, 'state');
    const created = srstudio(['datasets', 'create', 'holiday', tree.root, '--recursive', '--json', '--state', state]);
    expect(created.code).toBe(0);
    const json = JSON.parse(created.stdout);
    expect(json).toMatchObject({ id: 1, name: 'holiday', images: 4, duplicates: 1 });
    expect(json.skipped).toHaveLength(3);
    expect(json.skipped).toContainEqual({ path: tree.textFile, reason: 'not an image file (extension .txt)' });
    expect(json.skipped.find((s: { path: string }) => s.path === tree.tiny).reason).toMatch(/smaller than the 33 px training patch/);

    // The state folder can also come from SRSTUDIO_HOME.
    const split = srstudio(['datasets', 'split', 'holiday', '--val', '0.25', '--seed', '3', '--json'], { SRSTUDIO_HOME: state });
    expect(split.code).toBe(0);
    expect(JSON.parse(split.stdout)).toEqual({ id: 1, train: 3, val: 1 });

    const shown = JSON.parse(srstudio(['datasets', 'show', '1', '--json', '--state', state]).stdout);
    expect(shown).toMatchObject({ id: 1, images: 4, train: 3, val: 1, missing: 0, roots: [tree.root] });
    expect(shown.stats.patches).toMatchObject({ patch: 33, stride: 14 });
    expect(shown.skipped.map((s: { code: string }) => s.code)).toContain('DUPLICATE');

    const table = srstudio(['datasets', 'list', '--state', state]);
    expect(table.stdout).toMatch(/1\s+holiday\s+4\s+3\s+1\s+0\s+ready/);
  });

  it('export, move the folder, import elsewhere; rescan --root heals; errors exit 2 with a hint', { timeout: 240_000 }, async () => {
    const tree = await makeFixtureTree(temp.dir);
    const state = path.join(temp.dir, 'state');
    expect(srstudio(['datasets', 'create', 'trip', tree.root, '--json', '--state', state]).code).toBe(0);
    const manifest = path.join(temp.dir, 'trip.json');
    const exported = JSON.parse(srstudio(['datasets', 'export', 'trip', manifest, '--json', '--state', state]).stdout);
    expect(exported).toEqual({ id: 1, images: 3, file: manifest });

    const moved = path.join(temp.dir, 'moved-photos');
    fs.renameSync(tree.root, moved);
    const rescan = srstudio(['datasets', 'rescan', '1', '--root', `${tree.root}=${moved}`, '--json', '--state', state]);
    expect(rescan.code).toBe(0);
    expect(JSON.parse(rescan.stdout)).toMatchObject({ id: 1, images: 3, missing: 0, added: 0 });

    const imported = srstudio(['datasets', 'import', manifest, '--name', 'trip-copy', '--json', '--state', path.join(temp.dir, 'state2')]);
    expect(imported.code).toBe(0);
    // The manifest still points at the old place: everything is flagged missing, nothing is forgotten.
    expect(JSON.parse(imported.stdout)).toMatchObject({ name: 'trip-copy', images: 0, missing: 3 });

    const missing = srstudio(['datasets', 'show', '42', '--state', state]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No dataset with id 42');
    expect(missing.stderr).toContain('datasets list');
    expect(missing.stdout).toBe('');

    const removed = srstudio(['datasets', 'rm', 'trip', '--json', '--state', state]);
    expect(JSON.parse(removed.stdout)).toEqual({ id: 1, deleted: true });
  });
});
