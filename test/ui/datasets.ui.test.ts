import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeEdgeScenePng } from '../helpers/ui-r4-photos.ts';
import { type UiApp, useUiApp } from './harness.ts';

const MANY = 300;

const ui = useUiApp({
  name: 'datasets',
  prepare: async (root) => {
    const many = path.join(root, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < MANY; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          sharp({ create: { width: 40, height: 40, channels: 3, background: { r: (i + k) % 256, g: 120, b: 200 - ((i + k) % 200) } } })
            .png()
            .toFile(path.join(many, `img-${String(i + k).padStart(3, '0')}.png`)),
        ),
      );
    }
    const few = path.join(root, 'few');
    fs.mkdirSync(few);
    for (let i = 0; i < 3; i++) await writeEdgeScenePng(few, `scene-${i}.png`, 96, 72, 21 + i);
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#808080' } })
      .png()
      .toFile(path.join(few, 'tiny.png'));
    fs.writeFileSync(path.join(few, 'notes.txt'), 'not an image');
  },
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** New data set → Add folder… → browse the server's root → choose `folder`. */
async function createFromFolder(app: UiApp, folder: string): Promise<void> {
  const page = app.page;
  await page.getByRole('button', { name: 'New data set' }).click();
  await page.getByRole('button', { name: 'Add folder…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose a folder' });
  await dialog.getByRole('button', { name: new RegExp(escapeRegExp(app.rootDir)) }).click();
  await dialog.getByRole('button', { name: new RegExp(`${folder}$`) }).click();
  await dialog.getByRole('button', { name: 'Choose this folder' }).click();
  await expect(page.getByLabel('Name').inputValue()).resolves.toBe(folder);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
}

describe('Datasets screen (real engine through srstudio serve)', () => {
  it('shows hundreds of images in a virtualised grid that only renders the rows on screen', async () => {
    const page = ui.page;
    await ui.open('datasets');
    await createFromFolder(ui, 'many');
    await expect.poll(() => page.getByText(new RegExp(`^Added ${MANY} images`)).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('dataset-count').textContent()).toBe(String(MANY));

    const cells = page.getByTestId('thumbnail');
    await expect.poll(() => cells.locator('img').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const rendered = await cells.count();
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(MANY / 3);

    // Scrolling to the end brings the last image in (its page of the list and its thumbnail are fetched then).
    await page.getByRole('grid', { name: 'Images in the data set' }).evaluate((grid) => {
      grid.scrollTop = grid.scrollHeight;
    });
    const last = page.getByRole('button', { name: /^img-299\.png, 40 by 40/ });
    await expect.poll(() => last.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => last.locator('img').count(), { timeout: 30_000 }).toBe(1);
    expect(await cells.count()).toBeLessThan(MANY / 3);
    // Every image on screen shows its thumbnail, decoded.
    const images = page.getByRole('grid', { name: 'Images in the data set' }).locator('img');
    const loaded = () =>
      images.evaluateAll((list) => list.map((img) => `${(img as unknown as { naturalWidth: number }).naturalWidth}`).join(','));
    await expect.poll(async () => (await loaded()).split(',').every((w) => Number(w) > 0), { timeout: 30_000 }).toBe(true);
    await ui.screenshot('datasets-many');
  });

  it('reports skipped files, previews a patch pair, rescans a deleted file away and removes the data set', async () => {
    const page = ui.page;
    await ui.open('datasets');
    await createFromFolder(ui, 'few');
    await expect.poll(() => page.getByText(/^Added 3 images; skipped 2 /).count(), { timeout: 30_000 }).toBe(1);
    // Each skipped file is listed with its own reason.
    const skipped = page.getByRole('list', { name: 'Skipped files' });
    await expect.poll(() => skipped.getByRole('listitem').count()).toBe(2);
    expect(await skipped.getByRole('listitem').filter({ hasText: 'notes.txt' }).textContent()).toMatch(/not an image/i);
    expect(await skipped.getByRole('listitem').filter({ hasText: 'tiny.png' }).textContent()).toMatch(/small|patch/i);

    await page.getByRole('button', { name: /^scene-0\.png, 96 by 72/ }).click();
    const pair = page.getByRole('region', { name: 'Training patch pair' });
    await expect.poll(() => pair.getByRole('img', { name: 'High-resolution patch' }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => pair.getByRole('img', { name: 'Degraded low-resolution patch' }).count()).toBe(1);
    await ui.screenshot('datasets-patch-pair');

    fs.rmSync(path.join(ui.rootDir, 'few', 'scene-2.png'));
    await page.getByRole('button', { name: 'Rescan' }).click();
    await expect.poll(() => page.getByText('Rescan: 0 added, 1 removed.').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('dataset-count').textContent()).toBe('2');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => page.getByText('Data set removed; the photos stay on disk.').count(), { timeout: 15_000 }).toBe(1);
    expect(fs.existsSync(path.join(ui.rootDir, 'few', 'scene-0.png'))).toBe(true);
    await expect.poll(() => page.getByRole('list', { name: 'Data sets' }).getByRole('button', { name: /^few/ }).count()).toBe(0);
  });

  it('adds a folder to an existing data set and removes it again', { timeout: 120_000 }, async () => {
    const page = ui.page;
    await ui.open('datasets');
    await createFromFolder(ui, 'few');
    // An earlier test deleted one photo of `few` from disk, so count from what this data set holds now.
    await expect.poll(() => page.getByText(/^Added \d+ images?/).count(), { timeout: 30_000 }).toBe(1);
    const before = Number(await page.getByTestId('dataset-count').textContent());
    expect(before).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Add folder to this data set…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a folder' });
    await dialog.getByRole('button', { name: new RegExp(escapeRegExp(ui.rootDir)) }).click();
    await dialog.getByRole('button', { name: /many$/ }).click();
    await dialog.getByRole('button', { name: 'Choose this folder' }).click();
    await expect.poll(() => page.getByText(new RegExp(`^Added ${MANY} images`)).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('dataset-count').textContent()).toBe(String(MANY + before));

    const many = path.join(ui.rootDir, 'many');
    await page.getByRole('button', { name: `Remove folder ${many} from the data set` }).click();
    await expect.poll(() => page.getByTestId('dataset-count').textContent(), { timeout: 30_000 }).toBe(String(before));
    expect(fs.existsSync(path.join(many, 'img-000.png'))).toBe(true);
    await ui.screenshot('datasets-add-remove-folder');
  });
});
