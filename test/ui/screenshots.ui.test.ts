import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SCREENSHOT_DIR, useUiApp } from './harness.ts';

/**
 * The README's pictures: the Upscale screen's before/after view and the Compare screen, made from the sample photos in
 * samples/ with the bundled models, through the same served UI (real engine, real Chromium) as the other browser tests.
 * Under `npm test` they go to test-results/ui, so the flows stay checked; `npm run screenshots` writes them into
 * docs/images/ instead, to be committed when the UI changes. WebP keeps each picture far below 200 KB.
 */
const SAMPLES = path.join(REPO_ROOT, 'samples');
const INTO = process.env.npm_lifecycle_event === 'screenshots' ? path.join(REPO_ROOT, 'docs/images') : SCREENSHOT_DIR;
const SLOW = { timeout: 90_000 };

const ui = useUiApp({
  name: 'screenshots',
  viewport: { width: 1280, height: 1000 },
  prepare: (root) => {
    fs.cpSync(SAMPLES, path.join(root, 'samples'), { recursive: true });
  },
});

/** The part of a DOM element this file uses (the tests compile without the DOM's types). */
interface ScrollBox {
  scrollTop: number;
  parentElement: ScrollBox | null;
}

/**
 * Saves what the browser shows (the viewport) as WebP; returns its path. Transitions are run to their end first: the
 * progress bar eases to its width, and a picture taken mid-way showed a finished batch's bar at 92%.
 */
async function savePicture(name: string): Promise<string> {
  fs.mkdirSync(INTO, { recursive: true });
  const file = path.join(INTO, `${name}.webp`);
  await sharp(await ui.page.screenshot({ animations: 'disabled' }))
    .webp({ quality: 82, effort: 6 })
    .toFile(file);
  return file;
}

describe('README screenshots (sample photos, bundled models)', () => {
  it('Upscale: the sample folder at ×2, with the before/after slider on the cat', async () => {
    const page = ui.page;
    await ui.open('upscale');
    // The default for photos, as a newcomer meets it: named by purpose, with the strength slider beside the preview.
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('photo-x2');
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await ui.chooseFolder(/samples/);
    await page.getByRole('textbox', { name: 'Output folder' }).fill(path.join(ui.rootDir, 'upscaled'));
    await page.getByRole('button', { name: 'Start' }).click();

    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), SLOW).toBe('2 of 2 files');
    const figure = page.getByRole('figure', { name: 'Before and after: chelsea.jpg' });
    await expect.poll(() => figure.count(), SLOW).toBe(1);
    const upscaled = figure.getByRole('img', { name: 'Upscaled chelsea.jpg' });
    await expect.poll(() => upscaled.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), SLOW).toBe(902);
    await page.getByRole('slider', { name: 'Before/after split' }).fill('50');
    // Start scrolled the form down; the picture shows the screen from its top.
    await page.getByRole('heading', { name: 'Upscale', exact: true }).evaluate((title) => {
      for (let box = title as unknown as ScrollBox | null; box; box = box.parentElement) box.scrollTop = 0;
    });

    const file = await savePicture('upscale');
    expect(fs.statSync(file).size).toBeLessThan(200_000);
  });

  it('Compare: interpolations against the bundled model on the coffee photo, in Evaluate mode', async () => {
    const page = ui.page;
    // Tall enough for both rows of panes: four interpolations, the bundled model and the original.
    await page.setViewportSize({ width: 1280, height: 1360 });
    await ui.open('compare');
    await page.getByLabel('Photo path').fill(path.join(ui.rootDir, 'samples/coffee.jpg'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const panes = page.getByTestId('compare-pane');
    await expect.poll(() => panes.count(), SLOW).toBe(5);
    await page.keyboard.press('e');
    await expect.poll(() => page.getByTestId('pane-scores').count(), SLOW).toBe(5);
    await expect.poll(() => page.getByTestId('best-pane').count(), SLOW).toBe(1);

    const file = await savePicture('compare');
    expect(fs.statSync(file).size).toBeLessThan(200_000);
  });
});
