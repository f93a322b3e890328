import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEdgeScenePng } from '../helpers/ui-r4-photos.ts';
import { createDataSet } from './datasets-flow.ts';
import { useUiApp } from './harness.ts';

/** Flow 3: a data set made from a folder in the UI, a short training run, and its live charts. */
const ui = useUiApp({
  name: 'train',
  prepare: async (root) => {
    const folder = path.join(root, 'photos');
    fs.mkdirSync(folder);
    for (let i = 0; i < 6; i++) await writeEdgeScenePng(folder, `p${i}.png`, 120, 96, 11 + i);
    // Two camera-sized photos (1.1 MP, above the 1 MP validation window) for the engine-notes test.
    const large = path.join(root, 'large');
    fs.mkdirSync(large);
    for (let i = 0; i < 2; i++) await writeEdgeScenePng(large, `l${i}.png`, 1100, 1000, 31 + i);
  },
});

/**
 * Sets the form to the SRCNN paper's run on clean inputs from new weights, the network these tests train (the screen
 * opens set to fine-tune the bundled photo model instead).
 */
async function chooseCleanSrcnn() {
  const page = ui.page;
  // The models are listed (so the screen has set its starting form) before anything here is chosen.
  await expect.poll(() => page.getByLabel('Start from').locator('option[value="photo-x2"]').count()).toBe(1);
  await page.getByLabel('Train for').selectOption('clean');
  await page.getByLabel('Architecture').selectOption('srcnn-9-1-5');
  await page.getByLabel('Scale').selectOption('3');
  await page.getByLabel('Start from').selectOption('');
  await page.getByLabel('Learning rate').fill('0.001');
  await page.getByLabel('Schedule').selectOption('constant');
}

/** Starts a 10-step run of small batches, validated at its end, and returns the list of the engine's notes on it. */
async function startShortRun() {
  const page = ui.page;
  await page.getByLabel('Steps', { exact: true }).fill('10');
  await page.getByLabel('Batch size').fill('8');
  await page.getByLabel('Patch (HR px)').fill('24');
  await page.getByLabel('Validate every (steps)').fill('10');
  await page.getByRole('button', { name: 'Start training' }).click();
  return page.getByRole('list', { name: 'Engine notes on this run' });
}

describe('Datasets and Train screens (real engine, real training)', () => {
  it('creates a data set from a folder, trains a few dozen steps, and shows the loss and validation points', async () => {
    const page = ui.page;
    await createDataSet(ui, 'photos', 6);
    await expect.poll(() => page.getByTestId('dataset-count').textContent()).toBe('6');
    await expect.poll(() => page.getByTestId('thumbnail').locator('img').count()).toBe(6);

    await page.getByLabel('Validation fraction').fill('0.34');
    await page.getByRole('button', { name: 'Split', exact: true }).click();
    await expect.poll(() => page.getByText(/^Split: \d+ train, \d+ validation\.$/).count(), { timeout: 15_000 }).toBe(1);
    await ui.screenshot('datasets');

    await ui.open('train');
    await expect.poll(() => page.getByLabel('Data set').inputValue()).not.toBe('');
    // It opens set to fine-tune the bundled ×2 photo model on inputs degraded like phone photos, with its card's
    // last stage's settings.
    await expect.poll(() => page.getByLabel('Start from').inputValue()).toBe('photo-x2');
    expect(await page.getByLabel('Train for').inputValue()).toBe('photo');
    expect(await page.getByLabel('Architecture').inputValue()).toBe('fsrcnn-56-48-8-res-relu');
    expect(await page.getByLabel('Scale').inputValue()).toBe('2');
    expect([await page.getByLabel('Patch (HR px)').inputValue(), await page.getByLabel('Learning rate').inputValue()]).toEqual([
      '96',
      '0.0002',
    ]);
    expect(await page.getByLabel('Patch sampling').inputValue()).toBe('uniform');
    await chooseCleanSrcnn();
    // The form is checked with the contract's schema before anything is sent.
    await page.getByLabel('Steps', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toMatch(/>=\s*1|too small/i);

    await page.getByLabel('Steps', { exact: true }).fill('40');
    // FSRCNN takes the low-resolution image, so its patch must be a multiple of the scale: said beside the field.
    await page.getByLabel('Architecture').selectOption('fsrcnn');
    await page.getByLabel('Patch (HR px)').fill('25');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect
      .poll(() => page.locator('#err-patch').textContent())
      .toBe('fsrcnn takes the low-resolution image: use a multiple of 3, such as 27.');
    await page.getByLabel('Architecture').selectOption('srcnn-9-1-5');
    await page.getByLabel('Batch size').fill('16');
    await page.getByLabel('Patch (HR px)').fill('24');
    await page.getByLabel('Validate every (steps)').fill('10');
    await page.getByRole('button', { name: 'Start training' }).click();

    const counts = page.getByTestId('metric-counts');
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    // The notice followed the run to its end (it does not keep saying "started" or "queued").
    await expect.poll(() => page.getByText(/^Run \S+ finished\.$/).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => Number(await counts.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => Number(await counts.getAttribute('data-validation'))).toBeGreaterThanOrEqual(2);
    await expect(page.getByRole('figure', { name: 'Training loss' }).locator('canvas').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('figure', { name: 'Validation PSNR' }).locator('canvas').count()).resolves.toBeGreaterThan(0);
    // The validation sample (bicubic, model, ground truth) is shown and its images load.
    const sample = page.getByRole('figure', { name: 'Validation sample' });
    await expect.poll(() => sample.locator('img').count()).toBe(3);
    await expect
      .poll(() =>
        sample.locator('img').evaluateAll((imgs) => imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)),
      )
      .toBe(true);
    await ui.screenshot('train-done');

    // The charts follow the theme (they rebuild with the dark palette without page errors).
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect(page.getByRole('figure', { name: 'Training loss' }).locator('canvas').count()).resolves.toBeGreaterThan(0);
    await ui.screenshot('train-dark');

    // The run's model goes to the model list.
    await page.getByLabel('Model name').fill('UI test SRCNN');
    await page.getByRole('button', { name: 'Add to models' }).click();
    await expect.poll(() => page.getByText(/added to the model list/).count(), { timeout: 15_000 }).toBe(1);
  });

  // Uses the data set the first test created (tests in a file run in order and share the served app).
  it('a run queued behind another says so, then that it started; pauses, resumes and cancels it, the notice following', async () => {
    const page = ui.page;
    await ui.open('train');
    await expect.poll(() => page.getByLabel('Data set').inputValue()).not.toBe('');
    await chooseCleanSrcnn();
    const notice = () => page.locator('p.notice').textContent();
    // A first run that keeps the job line busy for a while: a few seconds, so that on a quiet machine it is still
    // running when the second is started (150 steps could end first).
    await page.getByLabel('Steps', { exact: true }).fill('1500');
    await page.getByLabel('Batch size').fill('8');
    await page.getByLabel('Patch (HR px)').fill('24');
    await page.getByLabel('Validate every (steps)').fill('100000');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(notice, { timeout: 15_000 }).toMatch(/^Run \S+ started\.$/);

    // The second waits in line: the notice says so, and changes by itself once the first one is done.
    await page.getByLabel('Steps', { exact: true }).fill('100000');
    await page.getByRole('button', { name: 'Start training' }).click();
    await expect.poll(notice, { timeout: 15_000 }).toMatch(/^Run (\S+) queued: it starts as soon as no other job is running\.$/);
    const second = /^Run (\S+) /.exec((await notice()) ?? '')?.[1];
    expect(second).toBeTruthy();
    const status = page.getByTestId('run-status');
    const state = () => status.getAttribute('data-state');
    expect(await state()).toBe('queued');
    await expect.poll(state, { timeout: 180_000 }).toBe('running');
    await expect.poll(notice, { timeout: 15_000 }).toBe(`Run ${second} started.`);

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(state, { timeout: 60_000 }).toBe('paused');
    await expect.poll(notice).toBe(`Run ${second} paused: Resume continues from its last checkpoint.`);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(state, { timeout: 60_000 }).toBe('running');
    await expect.poll(notice, { timeout: 15_000 }).toBe(`Run ${second} started.`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(state, { timeout: 60_000 }).toBe('cancelled');
    await expect.poll(notice).toBe(`Run ${second} cancelled.`);
    await expect.poll(() => page.getByRole('list', { name: 'Training runs' }).getByRole('listitem').count()).toBe(3);
  }, 360_000);

  it("shows the engine's notes on a run: here, that a large validation photo is scored on its centre window", async () => {
    const page = ui.page;
    await createDataSet(ui, 'large', 2);
    await page.getByLabel('Validation fraction').fill('0.5');
    await page.getByRole('button', { name: 'Split', exact: true }).click();
    await expect.poll(() => page.getByText('Split: 1 train, 1 validation.').count(), { timeout: 15_000 }).toBe(1);

    await ui.open('train');
    await expect.poll(() => page.getByLabel('Data set').locator('option', { hasText: 'large (1 train / 1 val)' }).count()).toBe(1);
    await page.getByLabel('Data set').selectOption({ label: 'large (1 train / 1 val)' });
    await chooseCleanSrcnn();
    const notes = await startShortRun();
    await expect
      .poll(() => notes.textContent(), { timeout: 120_000 })
      .toContain('1 validation photo(s) are larger than 1.0 MP: each is scored on its centre 1.0 MP');
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    await ui.screenshot('train-notes');
  }, 240_000);

  // Uses the model the first test added to the model list (an SRCNN 9-1-5 ×3) and the 'photos' data set.
  it('starts a run from an existing model with texture-weighted sampling; the run says where it started from', async () => {
    const page = ui.page;
    await ui.open('train');
    await page.getByLabel('Data set').selectOption({ label: 'photos (4 train / 2 val)' });
    await chooseCleanSrcnn();
    const from = page.getByLabel('Start from');
    await expect.poll(() => from.locator('option', { hasText: 'srcnn-9-1-5 ×3' }).count()).toBe(1);
    const parent = (await from.locator('option', { hasText: 'srcnn-9-1-5 ×3' }).getAttribute('value')) ?? '';
    // Choosing where to start from sets the form to that model's network and scale.
    await page.getByLabel('Architecture').selectOption('fsrcnn');
    await page.getByLabel('Scale').selectOption('2');
    await from.selectOption(parent);
    await expect.poll(() => page.getByLabel('Architecture').inputValue()).toBe('srcnn-9-1-5');
    await expect.poll(() => page.getByLabel('Scale').inputValue()).toBe('3');
    await page.getByLabel('Patch sampling').selectOption('texture');
    await page.getByLabel('Architecture').selectOption('srcnn-9-1-5');
    await page.getByLabel('Scale').selectOption('2');
    const notes = await startShortRun();
    await expect.poll(() => notes.textContent(), { timeout: 120_000 }).toContain(`Starting from model ${parent}`);
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const runs = page.getByRole('list', { name: 'Training runs' });
    await expect.poll(() => runs.getByRole('listitem').first().textContent()).toContain(`from ${parent}`);
  }, 240_000);
});
