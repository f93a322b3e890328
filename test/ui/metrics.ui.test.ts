import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePhoto } from '../helpers/imaging-photo.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { useUiApp } from './harness.ts';

/**
 * Flow 5: the Metrics dashboard runs an evaluation of bicubic and a (tiny, real) model on a small generated folder and
 * shows both in the table and the charts.
 */
const ui = useUiApp({
  name: 'metrics',
  prepare: async (root, state) => {
    const folder = path.join(root, 'evalset');
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 3; i++) await writePhoto(path.join(folder, `gt-${i}.png`), { width: 48, height: 36, seed: 10 + i });
    await writeTinyModel(path.join(state, 'models'), 'y-upsampled-same', { id: 'tiny-metrics-x2', scale: 2 });
  },
});

describe('Metrics dashboard', () => {
  it('starts empty and explains how to get scores', async () => {
    await ui.open('metrics');
    await expect.poll(() => ui.page.getByText('No evaluations yet.', { exact: false }).count()).toBe(1);
    expect(await ui.page.getByRole('button', { name: 'Evaluate' }).isDisabled()).toBe(true);
    expect(await ui.page.getByText('No training runs yet.', { exact: false }).count()).toBe(1);
  });

  it('evaluates bicubic and a model on a folder and shows both in the table and the charts', async () => {
    const page = ui.page;
    const form = page.getByRole('form', { name: 'Run an evaluation' });
    await form.getByRole('textbox', { name: 'Folder path' }).fill(path.join(ui.rootDir, 'evalset'));
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByRole('checkbox', { name: /Tiny y-upsampled-same ×2/ }).check();
    expect(await form.getByRole('checkbox', { name: 'bicubic' }).isChecked()).toBe(true);
    expect(await form.getByRole('checkbox', { name: 'Scale ×2' }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Evaluate' }).click();

    const table = page.getByRole('table', { name: 'Evaluation scores' });
    await expect.poll(() => table.count(), { timeout: 60_000 }).toBe(1);
    const bicubic = table.locator('tbody tr').filter({ hasText: 'bicubic' });
    const model = table.locator('tbody tr').filter({ hasText: 'tiny-metrics-x2' });
    await expect.poll(() => model.count(), { timeout: 60_000 }).toBe(1);
    expect(await bicubic.count()).toBe(1);
    expect(await bicubic.textContent()).toContain('baseline');
    expect(await bicubic.textContent()).toContain('evalset');
    // Real scores: a PSNR in dB and an SSIM between 0 and 1 for 3 images.
    const cells = await bicubic.getByRole('cell').allTextContents();
    expect(Number(cells[3])).toBeGreaterThan(10);
    expect(Number(cells[5])).toBeGreaterThan(0);
    expect(Number(cells[5])).toBeLessThanOrEqual(1);
    expect(cells[6]).toBe('3');
    const progress = page.getByRole('progressbar', { name: 'Evaluation progress' });
    await expect.poll(() => progress.getAttribute('aria-valuetext')).toMatch(/, done$/);
    expect(await progress.getAttribute('aria-valuenow')).toBe(await progress.getAttribute('aria-valuemax'));

    const chart = page.getByRole('figure', { name: 'PSNR by scale — evalset' });
    await expect.poll(() => chart.locator('canvas').count()).toBe(1);
    expect(await chart.textContent()).toContain('tiny-metrics-x2');
    await ui.screenshot('metrics-dashboard');
  });

  it('redraws the charts in the dark theme without errors', async () => {
    const page = ui.page;
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect.poll(() => page.getByRole('figure', { name: 'SSIM by scale — evalset' }).locator('canvas').count()).toBe(1);
    await ui.screenshot('metrics-dashboard-dark');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  });
});
