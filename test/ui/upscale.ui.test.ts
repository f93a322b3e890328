import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeBadFiles } from '../helpers/imaging-bad-files.ts';
import { writePhoto } from '../helpers/imaging-photo.ts';
import { newestJobRequest } from '../helpers/jobs-cli.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { useUiApp } from './harness.ts';

/**
 * Flow 1: upscale a folder of three photos, one of them corrupt, through the Upscale screen. The folder is picked in
 * the server-side folder browser, the model is a tiny real ONNX model in the state folder's model store.
 */
const ui = useUiApp({
  name: 'upscale',
  prepare: async (root, state) => {
    const photos = path.join(root, 'photos');
    fs.mkdirSync(photos, { recursive: true });
    await writePhoto(path.join(photos, 'alpha.png'), { width: 48, height: 40, seed: 1 });
    await writePhoto(path.join(photos, 'bravo.png'), { width: 40, height: 32, seed: 2 });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-ui-bad-'));
    try {
      const bad = await writeBadFiles(scratch);
      fs.copyFileSync(bad.truncatedJpeg, path.join(photos, 'charlie-truncated.jpg'));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    await writeTinyModel(path.join(state, 'models'), 'rgb-lr', { id: 'tiny-upscale-x2', scale: 2 });
  },
});

describe('Upscale screen', () => {
  it('upscales a picked folder: two results, one clear error, files on disk', async () => {
    const page = ui.page;
    await ui.open('upscale');
    // Built-in models may be listed too: choose the tiny one, whose card shows behind "Model details".
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('tiny-upscale-x2');
    await page.getByText('Model details').click();
    await expect.poll(() => page.getByRole('article', { name: /Model Tiny rgb-lr ×2/ }).count()).toBe(1);
    await ui.screenshot('upscale-setup');

    // Pick the folder in the server-side browser (the web stand-in for a native dialog).
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await ui.chooseFolder(/photos/);
    const photos = path.join(ui.rootDir, 'photos');
    await expect.poll(() => page.getByRole('list', { name: 'Selected photos and folders' }).textContent()).toContain(photos);

    const out = path.join(ui.rootDir, 'out');
    await page.getByRole('textbox', { name: 'Output folder' }).fill(out);
    await page.getByRole('combobox', { name: 'Format' }).selectOption('png');
    // PNG's compression effort, passed through the contract to the engine, which keeps it with the batch.
    await page.getByRole('slider', { name: /PNG compression/ }).fill('9');
    expect(await page.getByRole('combobox', { name: 'Quality' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Start' }).click();

    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('3 of 3 files');
    const queue = page.getByRole('list', { name: 'Files in this batch' });
    await expect.poll(() => queue.getByText('Done', { exact: false }).count()).toBe(2);
    const failure = queue.getByRole('listitem', { name: 'charlie-truncated.jpg' });
    await expect.poll(() => failure.getByRole('alert').count()).toBe(1);
    expect(await failure.getByRole('alert').textContent()).toMatch(/charlie-truncated\.jpg|corrupt|truncated/i);
    expect(await page.getByText('1 failed').count()).toBe(1);

    // The before/after view of the first finished photo, with both images really loaded.
    const compare = page.getByRole('figure', { name: 'Before and after: alpha.png' });
    await expect.poll(() => compare.count()).toBe(1);
    await expect
      .poll(() =>
        compare
          .getByRole('img', { name: 'Upscaled alpha.png' })
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(96);
    await page.getByRole('slider', { name: 'Before/after split' }).fill('30');
    await ui.screenshot('upscale-done');

    expect(newestJobRequest(ui.stateDir)).toMatchObject({ format: 'png', pngCompression: 9 });
    expect(newestJobRequest(ui.stateDir).quality).toBeUndefined();

    // On disk: exactly the two outputs, at twice the size, and no temp files.
    const written = fs.readdirSync(out).sort();
    expect(written).toEqual(['alpha_x2.png', 'bravo_x2.png']);
    const meta = await sharp(path.join(out, 'bravo_x2.png')).metadata();
    expect([meta.width, meta.height]).toEqual([80, 64]);
  });

  it('shows where the output went when asked to open the folder (browser: the path)', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: 'Open output folder' }).click();
    await expect.poll(() => page.getByText(`Saved at ${path.join(ui.rootDir, 'out')}`).count()).toBe(1);
  });

  it('refuses to start a second batch into the same files and says why', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: 'Start' }).click();
    const alert = page.getByRole('form', { name: 'Batch settings' }).getByRole('alert');
    await expect.poll(() => alert.count()).toBe(1);
    expect((await alert.textContent())?.length).toBeGreaterThan(10);
    await ui.screenshot('upscale-refused');
  });

  it('passes the chosen precision to the engine: Int8 for a model without an int8 variant says so', async () => {
    const page = ui.page;
    const precision = page.getByRole('combobox', { name: 'Precision' });
    expect(await precision.inputValue()).toBe('auto');
    await precision.selectOption('int8');
    await page.getByRole('textbox', { name: 'Output folder' }).fill(path.join(ui.rootDir, 'out-int8'));
    await page.getByRole('button', { name: 'Start' }).click();
    const alert = page.getByRole('form', { name: 'Batch settings' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('tiny-upscale-x2 has no int8 variant');
    expect(fs.existsSync(path.join(ui.rootDir, 'out-int8'))).toBe(false);
    await precision.selectOption('auto');
  });
});

/** The page's DataTransfer constructor, seen from the test (which is compiled without DOM typings). */
type PageGlobals = { DataTransfer: new () => { setData(type: string, value: string): void } };

describe('Upscale screen: drag and drop', () => {
  it('adds dropped file:// paths and explains when the browser hides them', async () => {
    const page = ui.page;
    await ui.open('upscale');
    const zone = page.getByRole('region', { name: 'Drop photos or folders here' });
    const dropped = path.join(ui.rootDir, 'photos', 'alpha.png');
    const withPath = await page.evaluateHandle((uri) => {
      const data = new (globalThis as unknown as PageGlobals).DataTransfer();
      data.setData('text/uri-list', uri);
      return data;
    }, `file://${dropped}`);
    await zone.dispatchEvent('drop', { dataTransfer: withPath });
    await expect.poll(() => page.getByRole('list', { name: 'Selected photos and folders' }).textContent()).toContain(dropped);

    const withoutPath = await page.evaluateHandle(() => new (globalThis as unknown as PageGlobals).DataTransfer());
    await zone.dispatchEvent('drop', { dataTransfer: withoutPath });
    await expect.poll(() => zone.getByRole('status').textContent()).toContain('does not reveal where dropped files live');
    await page.getByRole('button', { name: `Remove ${dropped}` }).click();
  });
});

/**
 * The Upscale screen set for a new batch of the folder `name` (under the test's root) with the tiny model, the earlier
 * inputs removed, into `out-<name>` in `format`; returns the output folder.
 */
async function newBatchOf(name: string, format: 'keep' | 'jpeg'): Promise<string> {
  const page = ui.page;
  await ui.open('upscale');
  await page.getByRole('button', { name: 'Remove /', exact: false }).click();
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('tiny-upscale-x2');
  await page.getByRole('button', { name: 'Add folder…' }).click();
  await ui.chooseFolder(new RegExp(name));
  const out = path.join(ui.rootDir, `out-${name}`);
  await page.getByRole('textbox', { name: 'Output folder' }).fill(out);
  await page.getByRole('combobox', { name: 'Format' }).selectOption(format);
  return out;
}

describe('Upscale screen: cancel and resume', () => {
  it('cancels a running batch, keeps finished files, and resumes the rest', async () => {
    const page = ui.page;
    const big = path.join(ui.rootDir, 'big');
    fs.mkdirSync(big, { recursive: true });
    // Large enough (0.75 MP in, 3 MP out each) that the batch is still running when Cancel is pressed.
    for (let i = 0; i < 3; i++) await writePhoto(path.join(big, `big-${i}.png`), { width: 1000, height: 750, seed: 30 + i, noise: 0 });
    const out = await newBatchOf('big', 'jpeg');
    // A custom JPEG quality; PNG's effort is not offered for JPEG output.
    await page.getByRole('combobox', { name: 'Quality' }).selectOption('custom');
    await page.getByRole('slider', { name: /Quality/ }).fill('80');
    expect(await page.getByRole('slider', { name: /PNG compression/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Start' }).click();

    await page.getByRole('button', { name: 'Cancel' }).click();
    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => page.getByRole('button', { name: 'Resume' }).count(), { timeout: 30_000 }).toBe(1);
    const doneBefore = Number(await progress.getAttribute('aria-valuenow'));
    expect(doneBefore).toBeLessThan(3);
    await ui.screenshot('upscale-cancelled');

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('3 of 3 files');
    await expect.poll(() => page.getByRole('list', { name: 'Files in this batch' }).getByText('Done', { exact: false }).count()).toBe(3);
    expect(fs.readdirSync(out).sort()).toEqual(['big-0_x2.jpg', 'big-1_x2.jpg', 'big-2_x2.jpg']);
    expect(newestJobRequest(ui.stateDir)).toMatchObject({ format: 'jpeg', quality: 80 });
    expect(newestJobRequest(ui.stateDir).pngCompression).toBeUndefined();
  });
});

describe('Upscale screen: photos a browser cannot show', () => {
  it('shows a TIFF in the queue and before/after, through the engine’s full-size copies of the scan and its TIFF result', async () => {
    const page = ui.page;
    const scans = path.join(ui.rootDir, 'scans');
    fs.mkdirSync(scans, { recursive: true });
    await writePhoto(path.join(scans, 'scan.tif'), { width: 44, height: 34, seed: 8 });
    const out = await newBatchOf('scans', 'keep');
    await page.getByRole('button', { name: 'Start' }).click();

    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe('1 of 1 files');
    expect(fs.readdirSync(out)).toEqual(['scan_x2.tif']);
    const width = (img: ReturnType<typeof page.locator>) =>
      img.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth);
    const thumb = page.getByRole('listitem', { name: 'scan.tif' }).locator('img');
    await expect.poll(() => width(thumb), { timeout: 30_000 }).toBe(44);
    const compare = page.getByRole('figure', { name: 'Before and after: scan.tif' });
    await expect.poll(() => compare.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => width(compare.getByRole('img', { name: 'Original scan.tif' }))).toBe(44);
    await expect.poll(() => width(compare.getByRole('img', { name: 'Upscaled scan.tif' }))).toBe(88);
    expect(await compare.getByRole('img', { name: 'Original scan.tif' }).getAttribute('src')).toContain(
      encodeURIComponent(path.join('cache', 'display')),
    );
  });
});

describe('Upscale screen: a long queue of photos a browser cannot show', () => {
  it('asks the engine for copies of the rows in view only, and for the rest as they are scrolled to', async () => {
    const page = ui.page;
    const many = path.join(ui.rootDir, 'many-scans');
    fs.mkdirSync(many, { recursive: true });
    const count = 60;
    for (let i = 0; i < count; i++) {
      await writePhoto(path.join(many, `scan-${String(i).padStart(2, '0')}.tif`), { width: 24, height: 18, seed: 100 + i });
    }
    await newBatchOf('many-scans', 'jpeg');
    const copies = path.join(ui.stateDir, 'cache', 'display');
    const copiesNow = () => (fs.existsSync(copies) ? fs.readdirSync(copies).filter((name) => name.endsWith('.jpg')).length : 0);
    const before = copiesNow();
    await page.getByRole('button', { name: 'Start' }).click();

    const progress = page.getByRole('progressbar', { name: 'Overall progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext'), { timeout: 60_000 }).toBe(`${count} of ${count} files`);
    const thumbWidth = (name: string) =>
      page
        .getByRole('listitem', { name })
        .locator('img')
        .evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth);
    await expect.poll(() => thumbWidth('scan-00.tif'), { timeout: 30_000 }).toBe(24);
    // The first rows are copied; the last ones, screens below, are not asked for.
    const asked = copiesNow() - before;
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThan(count);
    expect(await page.getByRole('listitem', { name: 'scan-59.tif' }).locator('img').count()).toBe(0);

    await page.getByRole('listitem', { name: 'scan-59.tif' }).scrollIntoViewIfNeeded();
    await expect.poll(() => thumbWidth('scan-59.tif'), { timeout: 30_000 }).toBe(24);
    expect(copiesNow() - before).toBeGreaterThan(asked);
  });
});
