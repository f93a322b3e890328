import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../src/engine/degrade/recipe.ts';
import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { ContractError } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { cleanScene, writeDegraded } from '../helpers/profile-photos.ts';
import { recordJobStates, statesOf, tinyTrainingParams, writeTrainingFolders } from '../helpers/queue-fixtures.ts';

let engine: Harness;
let folders: { train: string; val: string };
let photos: string;

beforeAll(async () => {
  engine = await startEngine();
  folders = await writeTrainingFolders(path.join(engine.stateDir, 'images'));
  photos = path.join(engine.stateDir, 'phone');
  fs.mkdirSync(photos);
  for (let i = 0; i < 3; i++) {
    await writeDegraded(photos, `IMG_${i}.jpg`, await cleanScene(320, 240, 60 + i), {
      blur: 1,
      noise: 4,
      grey: true,
      quality: 90,
      seed: i,
    });
  }
});
afterAll(async () => {
  await engine.dispose();
});

describe('data set profiles through the forked engine host', () => {
  it('profiles a data set, keeps the profile, and trains on its recipe (a bad recipe is refused at the boundary)', {
    timeout: 240_000,
  }, async () => {
    const { supervisor } = engine;
    const { dataset } = await supervisor.request('datasets.create', { name: 'phone', paths: [photos] });
    const { profile } = await supervisor.request('datasets.profile', { id: dataset.id });
    expect(profile).toMatchObject({ datasetId: dataset.id, datasetName: 'phone', photos: { found: 3, read: 3, profiled: 3, skipped: [] } });
    expect(profile.summary).toMatch(/^Your 3 photos look like JPEGs from a camera or phone: quality about 90 \(standard tables\)/);
    expect(profile.jpeg?.quality.median).toBe(90);
    expect(Math.abs((profile.noise?.luma.median ?? 0) - 4)).toBeLessThanOrEqual(1);
    for (const scale of ['2', '3', '4'] as const) expect(RecipeSchema.safeParse(profile.recipes[scale]).success).toBe(true);
    expect(JSON.parse(fs.readFileSync(profile.recipeFile, 'utf8'))).toEqual(profile.recipes['2']);
    expect((await supervisor.request('datasets.profiles', {})).profiles).toEqual([profile]);

    const states = recordJobStates(supervisor);
    const recipe = profile.recipes['2'];
    const { run } = await supervisor.request(
      'training.start',
      // On the profiled photos themselves, as "Train a model that matches these photos" does: a degraded patch needs a
      // margin around it, more than the tiny training folder's images have.
      tinyTrainingParams({ train: photos, val: folders.val }, { degradation: { name: 'dataset-1-photos-x2', recipe } }),
    );
    expect(run.degradation).toEqual({ name: 'dataset-1-photos-x2', description: recipe.description });
    await expect.poll(() => statesOf(states, run.jobId).at(-1), { timeout: 120_000 }).toBe('done');
    const store = openStore(engine.stateDir);
    try {
      const stored = new RunsRepo(store).get(Number(run.id))?.config as { degrade: { name: string; recipe: unknown } };
      expect(stored.degrade).toEqual({ name: 'dataset-1-photos-x2', recipe: RecipeSchema.parse(recipe) });
    } finally {
      store.close();
    }

    const bad = supervisor.request(
      'training.start',
      tinyTrainingParams(folders, {
        degradation: { name: 'broken', recipe: { version: 1, stages: [{ resize: { filters: [], factor: [1, 1] } }] } },
      }),
    );
    await expect(bad).rejects.toBeInstanceOf(ContractError);
    await expect(bad).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/broken.*stages\.0\.resize\.filters/) });
  });

  it('names a preset degradation in the run, and clean as none', { timeout: 120_000 }, async () => {
    const { supervisor } = engine;
    const photo = (await supervisor.request('training.start', tinyTrainingParams(folders, { degradation: { preset: 'photo' } }))).run;
    expect(photo.degradation?.name).toBe('photo');
    await supervisor.request('training.cancel', { runId: photo.id });
    const clean = (await supervisor.request('training.start', tinyTrainingParams(folders, { degradation: { preset: 'clean' } }))).run;
    expect(clean.degradation).toBeNull();
    await supervisor.request('training.cancel', { runId: clean.id });
  });
});
