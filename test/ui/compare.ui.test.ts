import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEdgeScenePng } from '../helpers/ui-r4-photos.ts';
import { REPO_ROOT, useUiApp } from './harness.ts';

/**
 * Flow 2: Compare. Depends on the bundled models: the engine lists them as builtins and the Compare screen shows the
 * ×3 default, `resources/models/photo-x3.onnx`, as the fifth pane. SRSTUDIO_RESOURCES (inherited by
 * the served engine) points at another resources folder, as in the packaged app.
 */
const RESOURCES = process.env.SRSTUDIO_RESOURCES || path.join(REPO_ROOT, 'resources');
const BUNDLED_MODEL = path.join(RESOURCES, 'models/photo-x3.onnx');
const ui = useUiApp({
  name: 'compare',
  prepare: async (root) => {
    await writeEdgeScenePng(root, 'photo.png', 384, 288);
  },
});

/** Rendering shares two cores with other test files: wait on the UI's state, generously. */
const SLOW = { timeout: 45_000 };

const paneScore = async (method: string) =>
  Number(
    await ui.page.locator(`[data-testid="compare-pane"][data-method="${method}"] [data-testid="pane-scores"]`).getAttribute('data-psnr'),
  );

describe('Compare screen (real engine through srstudio serve)', () => {
  it('has the bundled ×3 default it compares against', () => {
    expect(fs.existsSync(BUNDLED_MODEL), `${BUNDLED_MODEL} must exist (the trained ×3 default)`).toBe(true);
  });

  it('loads a photo, picks a region, renders five panes, and Evaluate mode scores the ×3 default model above bicubic', async () => {
    const page = ui.page;
    await ui.open('compare');
    const photo = path.join(ui.rootDir, 'photo.png');
    await page.getByLabel('Photo path').fill(photo);
    await page.getByRole('button', { name: 'Open', exact: true }).click();

    // The overview loads, the region lands in the centre and the panes render.
    const panes = page.getByTestId('compare-pane');
    await expect.poll(() => panes.count(), SLOW).toBe(5);
    const labels = await panes.locator('figcaption strong').allTextContents();
    expect(labels.slice(0, 4)).toEqual(['Nearest', 'Bilinear', 'Bicubic', 'Lanczos']);
    await expect
      .poll(() => page.locator('[data-method="interp:bicubic"] img').evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
      .toBe(288);

    // Click on the overview: the region moves to the top-left corner and re-renders.
    const overview = page.getByRole('slider', { name: /Region of the photo/ });
    const box = (await overview.boundingBox())!;
    await page.mouse.click(box.x + 5, box.y + 5);
    await expect.poll(() => page.getByText('Region 96×96 at (0, 0) → ×3').count(), SLOW).toBe(1);
    await expect.poll(() => panes.count()).toBe(5);

    // Shared, integer zoom: "+" doubles every pane's rendered size.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.locator('[data-method="interp:nearest"] img').getAttribute('width')).toBe(String(288 * 3));
    await ui.screenshot('compare-grid');

    // Evaluate mode (keyboard shortcut E): every method is scored against the original; the best one is marked.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('e');
    await expect.poll(() => page.getByTestId('pane-scores').count(), SLOW).toBe(5);
    await expect.poll(() => page.getByTestId('best-pane').count(), SLOW).toBe(1);
    const modelMethod = await panes.nth(4).getAttribute('data-method');
    expect(modelMethod).toMatch(/^model:/);
    const bicubic = await paneScore('interp:bicubic');
    const model = await paneScore(modelMethod!);
    expect(bicubic).toBeGreaterThan(15);
    expect(model).toBeGreaterThan(bicubic);
    await ui.screenshot('compare-evaluate');

    // Slider layout (S) shows two panes over each other.
    await page.keyboard.press('s');
    await expect.poll(() => page.getByTestId('compare-slider').count()).toBe(1);

    // Export comparison: the engine writes a labelled PNG next to the photo.
    await page.getByRole('button', { name: 'Export comparison…' }).click();
    const target = path.join(ui.rootDir, 'photo-compare-x3-eval.png');
    await expect(page.getByLabel('Save labelled PNG as').inputValue()).resolves.toBe(target);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText(/Comparison saved:/).count(), SLOW).toBe(1);
    expect(fs.statSync(target).size).toBeGreaterThan(1000);
  });

  it('opens an iPhone photo (HEIC), which the browser cannot show, through the engine’s copy at its own size', async () => {
    const page = ui.page;
    await ui.open('compare');
    const phone = path.join(ui.rootDir, 'IMG_0001.HEIC');
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/heic/photo-rotated.heic'), phone);
    await page.getByLabel('Photo path').fill(phone);
    await page.getByRole('button', { name: 'Open', exact: true }).click();

    const overview = page.getByRole('slider', { name: /Region of the photo/ }).locator('img');
    await expect.poll(() => overview.evaluate((img) => (img as { naturalWidth: number }).naturalWidth), SLOW).toBe(48);
    expect(await overview.evaluate((img) => (img as { naturalHeight: number }).naturalHeight)).toBe(64);
    // The region is placed on the photo's own pixels, upright: all of its 48×64.
    await expect.poll(() => page.getByText('Region 48×64 at (0, 0) → ×3').count(), SLOW).toBe(1);
  });

  it('names the file and the reason when the photo cannot be opened', async () => {
    const page = ui.page;
    await ui.open('compare');
    const missing = path.join(ui.rootDir, 'nope.png');
    await page.getByLabel('Photo path').fill(missing);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    // The browser's image load fails first (a 403/404 from the image route is logged as a console error): that is
    // expected here, so it is taken out of the harness's list.
    await expect.poll(() => page.getByRole('alert').textContent(), SLOW).toContain(missing);
    ui.errors.splice(0, ui.errors.length, ...ui.errors.filter((e) => !/Failed to load resource/.test(e)));
  });
});
