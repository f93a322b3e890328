import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../src/engine/degrade/recipe.ts';
import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { cleanScene, writeDegraded } from '../helpers/profile-photos.ts';
import { createDataSet } from './datasets-flow.ts';
import { useUiApp } from './harness.ts';

/** "Match my photos": profile a data set of camera JPEGs on the Datasets screen, then train a model for them. */
const ui = useUiApp({
  name: 'profile',
  prepare: async (root) => {
    const phone = path.join(root, 'phone');
    fs.mkdirSync(phone);
    for (let i = 0; i < 4; i++) {
      const scene = await cleanScene(320, 240, 200 + i);
      await writeDegraded(phone, `IMG_${2000 + i}.jpg`, scene, { blur: 1, noise: 4, grey: true, quality: 90, seed: i });
    }
  },
});

const PRESET_LABELS = [
  'Clean sources (PNG, renders, scans): the benchmark protocol',
  'Phone and camera photos (JPEG, noise, blur)',
  'Old, scanned or web-recompressed photos',
];

/**
 * A short run, number `run` of this app: a few steps of small batches (the data set has no validation split, so it
 * trains unvalidated), on a small FSRCNN ×2, or with `asSet` on the network and start the form already has. Returns
 * once the screen shows that run, finished (not the run selected before it).
 */
async function runShortRun(run: number, { asSet = false } = {}): Promise<void> {
  const page = ui.page;
  if (!asSet) {
    await page.getByLabel('Start from').selectOption('');
    await page.getByLabel('Architecture').selectOption('fsrcnn');
    await page.getByLabel('Scale').selectOption('2');
  }
  await page.getByLabel('Steps', { exact: true }).fill('10');
  await page.getByLabel('Batch size').fill('8');
  await page.getByLabel('Patch (HR px)').fill('24');
  await page.getByLabel('Validate every (steps)').fill('10');
  await page.getByRole('button', { name: 'Start training' }).click();
  const status = page.getByTestId('run-status');
  await expect.poll(() => status.locator('strong').textContent(), { timeout: 30_000 }).toBe(`Run ${run}`);
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
}

describe('Datasets profile and training for it (real engine, real training)', () => {
  it('profiles a small data set of camera JPEGs: the plain-words summary and the numbers', async () => {
    const page = ui.page;
    await createDataSet(ui, 'phone', 4);
    const panel = page.getByRole('region', { name: 'Photo profile' });
    await expect.poll(() => panel.textContent()).toMatch(/Profile the photos to see/);
    await panel.getByRole('button', { name: 'Profile these photos' }).click();
    await expect
      .poll(() => page.getByTestId('profile-summary').textContent(), { timeout: 120_000 })
      .toMatch(/^Your 4 photos look like JPEGs from a camera or phone: quality about 90 \(standard tables\), 4:2:0 chroma/);
    await expect.poll(() => page.getByText('Profiled 4 photos.').count()).toBe(1);
    expect(await page.getByTestId('profile-quality').textContent()).toMatch(/^\s*90 · 4 of 4 with standard tables/);
    const noise = Number(/^\s*([0-9.]+)/.exec((await page.getByTestId('profile-noise').textContent()) ?? '')?.[1]);
    expect(Math.abs(noise - 4)).toBeLessThanOrEqual(1);
    const blur = Number(/^\s*([0-9.]+)/.exec((await page.getByTestId('profile-blur').textContent()) ?? '')?.[1]);
    expect(Math.abs(blur - 1)).toBeLessThanOrEqual(0.25);
    // Noisy, soft phone JPEGs: no advice to try a lower strength instead of training.
    expect(await page.getByTestId('profile-advice').count()).toBe(0);
    await ui.screenshot('datasets-profile');

    // The profile is kept: a reload shows it without profiling again.
    await page.reload();
    await expect.poll(() => page.getByTestId('profile-summary').textContent(), { timeout: 30_000 }).toMatch(/^Your 4 photos/);
  }, 240_000);

  it('"Train a model that matches these photos" opens the Train screen set to the profile; the run stores its recipe', async () => {
    const page = ui.page;
    await ui.open('datasets');
    await page.getByRole('button', { name: 'Train a model that matches these photos' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Train', exact: true }).count()).toBe(1);
    const choice = page.getByLabel('Train for');
    await expect.poll(() => choice.inputValue()).toBe('profile:1');
    expect(await choice.locator('option:checked').textContent()).toBe("Matches data set 1's photos (profiled)");
    expect(await page.getByLabel('Data set').inputValue()).toBe('1');
    expect(await page.locator('#degradation-detail').textContent()).toMatch(/^Your 4 photos look like JPEGs/);
    // Set up as a fine-tune of the bundled ×2 photo model, with its card's last stage: nothing left to choose.
    const form = Object.fromEntries(
      await Promise.all(
        ['Start from', 'Architecture', 'Scale', 'Steps', 'Batch size', 'Patch (HR px)', 'Learning rate', 'Schedule', 'Patch sampling'].map(
          async (label) => [label, await page.getByLabel(label, { exact: label === 'Steps' }).inputValue()],
        ),
      ),
    );
    expect(form).toEqual({
      'Start from': 'photo-x2',
      Architecture: 'fsrcnn-56-48-8-res-relu',
      Scale: '2',
      Steps: '4000',
      'Batch size': '16',
      'Patch (HR px)': '96',
      'Learning rate': '0.0002',
      Schedule: 'cosine',
      'Patch sampling': 'uniform',
    });

    // A short run of that fine-tune (the same network and start, fewer and smaller steps).
    await runShortRun(1, { asSet: true });
    expect(await page.getByTestId('run-degradation').textContent()).toBe("Trains for: Matches data set 1's photos (profiled)");
    await ui.screenshot('train-matching');

    // The stored run trains on exactly the profile's ×2 recipe.
    const stored = JSON.parse(fs.readFileSync(path.join(ui.stateDir, 'profiles', 'dataset-1.json'), 'utf8'));
    const store = openStore(ui.stateDir);
    try {
      const [run] = new RunsRepo(store).list();
      const config = run.config as { scale: number; init: { id: string } | null; degrade: { name: string; recipe: unknown } };
      expect(config.scale).toBe(2);
      expect(config.init?.id).toBe('photo-x2');
      expect(config.degrade.name).toBe('dataset-1-photos-x2');
      expect(config.degrade.recipe).toEqual(RecipeSchema.parse(stored.recipes['2']));
    } finally {
      store.close();
    }
  }, 300_000);

  it('offers the degradations in plain words, checks the choice, and names it in the run', async () => {
    const page = ui.page;
    // A fresh Train screen (the last test left it set to the profile).
    await ui.open('datasets');
    await ui.open('train');
    const choice = page.getByLabel('Train for');
    await expect
      .poll(() => choice.locator('option').allTextContents())
      .toEqual([...PRESET_LABELS, "Matches data set 1's photos (profiled)"]);
    // It opens on phone-like inputs (the bundled photo model's fine-tune); the clean protocol is one choice away.
    await expect.poll(() => choice.inputValue()).toBe('photo');
    await choice.selectOption('clean');
    await choice.selectOption({ label: 'Phone and camera photos (JPEG, noise, blur)' });
    expect(await page.locator('#degradation-detail').textContent()).toMatch(/lens blur, sensor noise and a JPEG/);

    // Texture-weighted sampling works with real-photo inputs too: this run draws its degraded patches by texture.
    await page.getByLabel('Patch sampling').selectOption('texture');
    await runShortRun(2);
    expect(await page.getByTestId('run-degradation').textContent()).toBe('Trains for: Phone and camera photos (JPEG, noise, blur)');
    // The earlier run still says what it trained for.
    await page.getByRole('list', { name: 'Training runs' }).getByRole('button').last().click();
    await expect.poll(() => page.getByTestId('run-degradation').textContent()).toBe("Trains for: Matches data set 1's photos (profiled)");
  }, 300_000);
});
