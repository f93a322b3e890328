import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import { writePhoto } from '../helpers/imaging-photo.ts';
import { newestJobRequest } from '../helpers/jobs-cli.ts';
import { writePhotoModelResources } from '../helpers/photo-model-resources.ts';
import { useUiApp } from './harness.ts';

/**
 * Photo models in the UI, with bundled-model fixtures (a clean FSRCNN ×2, a photo model fine-tuned from it, an SRCNN
 * ×2: photo-model-resources.ts) served by a real `srstudio serve`: the plain-words picker and its details, the strength
 * slider and the live preview it re-renders, Compare on a photo without ground truth, and clean beside photo scores.
 */
const resources = writePhotoModelResources(fs.mkdtempSync(path.join(os.tmpdir(), 'srs-ui-photo-models-')));
afterAll(() => fs.rmSync(resources, { recursive: true, force: true }));

const ui = useUiApp({
  name: 'photo-models',
  env: { SRSTUDIO_RESOURCES: resources },
  prepare: async (root) => {
    fs.mkdirSync(path.join(root, 'camera'), { recursive: true });
    // A camera-like JPEG: a real photo has no sharper original to score against.
    await writePhoto(path.join(root, 'camera', 'IMG_0001.jpg'), { width: 240, height: 180, seed: 4, quality: 70 });
    fs.mkdirSync(path.join(root, 'evalset'), { recursive: true });
    for (let i = 0; i < 2; i++) await writePhoto(path.join(root, 'evalset', `gt-${i}.png`), { width: 48, height: 40, seed: 10 + i });
  },
});

/** Rendering shares two cores with other test files: wait on the UI's state, generously. */
const SLOW = { timeout: 60_000 };

/** The file behind an `/api/image?path=…` URL, decoded: what the engine really rendered. */
async function tilePixels(image: Locator): Promise<Uint8Array> {
  const src = (await image.getAttribute('src')) ?? '';
  const file = new URL(src, 'http://ui.test').searchParams.get('path') ?? '';
  return (await decodePhoto(file)).image.data as Uint8Array;
}

describe('Upscale: the model picker in plain words', () => {
  it('lists models by purpose, the recommended photo model first, with architecture and training behind a details toggle', async () => {
    const page = ui.page;
    await ui.open('upscale');
    const picker = page.getByRole('combobox', { name: 'Model', exact: true });
    await expect.poll(() => picker.locator('option').count()).toBe(3);
    expect(await picker.locator('option').allTextContents()).toEqual([
      'Photos (JPEG, phone, camera) ×2 — recommended',
      'Clean sources (PNG, renders, scans) ×2',
      'SRCNN ×2 (the classic, for reference)',
    ]);
    expect(await picker.locator('optgroup').getAttribute('label')).toBe('×2');
    expect(await picker.inputValue()).toBe('photo-x2');

    // The card (architecture, training, scores) is not shown until asked for.
    const card = page.getByRole('article', { name: 'Model Photo FSRCNN ×2 (test fixture)' });
    expect(await card.isVisible()).toBe(false);
    await page.getByText('Model details').click();
    await expect.poll(() => card.isVisible()).toBe(true);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('fsrcnn-8-4-1-res-relu');
    expect(text).toContain('inputs degraded like real photos (recipe “photo”)');
    expect(text).toContain('fsrcnn-x2');
    await page.getByText('Model details').click();
  });
});

describe('Upscale: restoration strength beside the live preview', () => {
  it('shows the slider only for a model with a clean partner, re-renders the preview at the chosen strength, and sends it with the batch', async () => {
    const page = ui.page;
    await ui.open('upscale');
    const picker = page.getByRole('combobox', { name: 'Model', exact: true });
    const slider = page.getByRole('slider', { name: /Restoration strength/ });
    await expect.poll(() => picker.inputValue()).toBe('photo-x2');
    await expect.poll(() => slider.count()).toBe(1);
    expect(await slider.inputValue()).toBe('1');
    expect(await page.getByText('Keep grain and texture', { exact: true }).count()).toBe(1);
    expect(await page.getByText('Full clean-up', { exact: true }).count()).toBe(1);

    // The live preview: the centre of the first photo of the batch, bicubic beside the model.
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await ui.chooseFolder(/camera/);
    const after = page.getByRole('img', { name: 'Model preview of IMG_0001.jpg' });
    await expect.poll(() => after.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), SLOW).toBe(320);
    const fullStrength = await after.getAttribute('src');
    const atOne = await tilePixels(after);
    await ui.screenshot('upscale-strength-preview');

    // Strength 0: the engine blends to the clean partner, so the preview is exactly the clean model's.
    await slider.fill('0');
    await expect.poll(() => after.getAttribute('src'), SLOW).not.toBe(fullStrength);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Rendering the preview' }).count(), SLOW).toBe(0);
    const atZero = await tilePixels(after);
    expect(atZero).not.toEqual(atOne);
    expect(await slider.getAttribute('aria-valuetext')).toBe('keeps grain and texture');

    await picker.selectOption('fsrcnn-x2');
    await expect.poll(() => slider.count()).toBe(0);
    await expect
      .poll(async () => (await after.getAttribute('src')) !== null && (await tilePixels(after)).join() === atZero.join(), SLOW)
      .toBe(true);
    await picker.selectOption('srcnn-x2');
    await expect.poll(() => slider.count()).toBe(0);

    // Back to the photo model, halfway: the batch carries the strength to the engine.
    await picker.selectOption('photo-x2');
    await expect.poll(() => slider.count()).toBe(1);
    await slider.fill('0.5');
    await page.getByRole('textbox', { name: 'Output folder' }).fill(path.join(ui.rootDir, 'out-strength'));
    await page.getByRole('button', { name: 'Start' }).click();
    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), SLOW).toBe('1 of 1 files');
    expect(newestJobRequest(ui.stateDir)).toMatchObject({ model: 'photo-x2', strength: 0.5 });
    expect(fs.readdirSync(path.join(ui.rootDir, 'out-strength'))).toEqual(['IMG_0001_x2.jpg']);
  }, 240_000);
});

describe('Compare: a real photo without ground truth', () => {
  it('shows the panes of every method, the photo models by title, and no scores, saying why', async () => {
    const page = ui.page;
    await ui.open('compare');
    await page.getByRole('combobox', { name: 'Scale' }).selectOption('2');
    await page.getByLabel('Photo path').fill(path.join(ui.rootDir, 'camera', 'IMG_0001.jpg'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();

    const panes = page.getByTestId('compare-pane');
    await expect.poll(() => panes.count(), SLOW).toBe(5);
    expect(await panes.locator('figcaption strong').allTextContents()).toEqual([
      'Nearest',
      'Bilinear',
      'Bicubic',
      'Lanczos',
      'Photos (JPEG, phone, camera) ×2',
    ]);
    // Each method enlarges the photo as it is: a 96×96 region becomes 192×192, nothing is shrunk first.
    await expect
      .poll(
        () => page.locator('[data-method="model:photo-x2"] img').evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
        SLOW,
      )
      .toBe(192);
    expect(await page.getByTestId('pane-scores').count()).toBe(0);
    expect(await page.getByTestId('no-ground-truth').textContent()).toContain('no sharper original');

    // The other models of the scale, by title; ticking one adds its pane.
    const more = page.getByRole('group', { name: 'More models at ×2' });
    expect(await more.getByRole('checkbox').count()).toBe(2);
    await more.getByRole('checkbox', { name: 'Clean sources (PNG, renders, scans) ×2' }).check();
    await expect.poll(() => panes.count(), SLOW).toBe(6);
    await expect.poll(() => panes.nth(5).locator('figcaption strong').textContent()).toBe('Clean sources (PNG, renders, scans) ×2');
    expect(await page.getByTestId('pane-scores').count()).toBe(0);
    await ui.screenshot('compare-no-ground-truth');
  });
});

describe('Metrics: clean and photo scores side by side', () => {
  it('evaluates on clean and on photo-like inputs and shows both columns for every model', async () => {
    const page = ui.page;
    await ui.open('metrics');
    const form = page.getByRole('form', { name: 'Run an evaluation' });
    await form.getByRole('textbox', { name: 'Folder path' }).fill(path.join(ui.rootDir, 'evalset'));
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByRole('checkbox', { name: 'Photos (JPEG, phone, camera) ×2' }).check();
    const progress = page.getByRole('progressbar', { name: 'Evaluation progress' });

    await form.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => progress.getAttribute('aria-valuetext'), SLOW).toMatch(/, done$/);
    await form.getByRole('radio', { name: 'Like phone and camera photos' }).check();
    await form.getByRole('spinbutton', { name: 'Seed' }).fill('2');
    await form.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => form.getByText(/^Evaluation on photo inputs \(seed 2\) \(#\d+\): done$/).count(), SLOW).toBe(1);

    const table = page.getByRole('table', { name: 'Evaluation scores' });
    await expect.poll(() => table.getByRole('columnheader', { name: 'photo · seed 2', exact: true }).count(), SLOW).toBe(1);
    expect(await table.getByRole('columnheader', { name: 'clean', exact: true }).count()).toBe(1);
    expect(await table.getByRole('columnheader', { name: 'PSNR (photo · seed 2)' }).count()).toBe(1);
    for (const method of ['bicubic', 'photo-x2']) {
      const cells = await table.locator('tbody tr').filter({ hasText: method }).getByRole('cell').allTextContents();
      // Data, scale, method, then PSNR / vs bicubic / SSIM on clean inputs and on photo inputs, images, date.
      const [cleanPsnr, photoPsnr] = [Number(cells[3]), Number(cells[6])];
      expect(cleanPsnr, method).toBeGreaterThan(10);
      expect(photoPsnr, method).toBeGreaterThan(10);
      expect(photoPsnr, method).not.toBe(cleanPsnr);
      expect(cells[9]).toBe('2');
    }
    expect(await table.locator('tbody tr').filter({ hasText: 'photo-x2' }).textContent()).toContain('Photos (JPEG, phone, camera) ×2');
    // The charts show one kind of input at a time.
    await page.getByRole('combobox', { name: 'Inputs' }).selectOption({ label: 'photo · seed 2' });
    await expect.poll(() => page.getByRole('figure', { name: 'PSNR by scale — evalset, photo · seed 2' }).count()).toBe(1);
    await ui.screenshot('metrics-clean-and-photo');
  }, 240_000);
});
