import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { useUiApp } from './harness.ts';

/**
 * Flow 4: the Models screen lists the bundled SRCNN models, each with a card; then the test imports a tiny model
 * through the UI and exercises make-default and delete-with-confirmation on it.
 */
let modelPath = '';
const ui = useUiApp({
  name: 'models',
  prepare: async (root) => {
    modelPath = await writeTinyModel(path.join(root, 'models'), 'rgb-lr', { id: 'tiny-ui-x2', scale: 2 });
  },
});

describe('Models screen', () => {
  it('lists the built-in models, each with a card', async () => {
    await ui.open('models');
    const heading = ui.page.getByRole('heading', { name: /^Built-in/ });
    await expect.poll(() => heading.textContent()).toBe('Built-in (6)');
    for (const family of ['srcnn', 'fsrcnn']) {
      for (const scale of [2, 3, 4]) {
        // \b: 'srcnn-x2' must not also find the 'fsrcnn-x2' card.
        const card = ui.page.getByRole('article').filter({ hasText: new RegExp(`\\b${family}-x${scale}\\b`) });
        await expect.poll(() => card.count()).toBe(1);
        expect(await card.textContent()).toContain('Built-in');
      }
    }
    await ui.screenshot('models-builtin');
  });

  it('imports an ONNX model by path and shows its card with metadata', async () => {
    const page = ui.page;
    await ui.open('models');
    await expect.poll(() => page.getByRole('heading', { name: /Imported and trained/ }).count()).toBe(1);
    await page.getByLabel('Import an ONNX model').fill(modelPath);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Imported');

    const card = page.getByRole('article', { name: 'Model Tiny rgb-lr ×2 (test fixture)' });
    await expect.poll(() => card.count()).toBe(1);
    const text = await card.textContent();
    expect(text).toContain('tiny-ui-x2');
    expect(text).toContain('tiny-rgb-lr');
    expect(text).toContain('All three RGB channels');
    expect(text).toContain('Imported / trained');
    // The engine copied the file into the state folder's model store.
    expect(fs.existsSync(path.join(ui.stateDir, 'models', 'tiny-ui-x2.onnx'))).toBe(true);
    await ui.screenshot('models-card');
  });

  it('makes the model the default for its scale', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: 'Make Tiny rgb-lr ×2 (test fixture) the default for ×2' }).click();
    const card = page.getByRole('article', { name: 'Model Tiny rgb-lr ×2 (test fixture)' });
    await expect.poll(() => card.getByText('Default for ×2').count()).toBe(1);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('now the default for ×2');
  });

  it('explains a failed import and keeps the path for correction', async () => {
    const page = ui.page;
    const bogus = path.join(ui.rootDir, 'not-a-model.onnx');
    fs.writeFileSync(bogus, 'this is not protobuf');
    await page.getByLabel('Import an ONNX model').fill(bogus);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.textContent()).toContain('not-a-model.onnx');
    expect(await page.getByLabel('Import an ONNX model').inputValue()).toBe(bogus);
    await ui.screenshot('models-import-error');
  });

  it('deletes a user model only after confirmation', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: 'Delete Tiny rgb-lr ×2 (test fixture)' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm deleting Tiny rgb-lr ×2 (test fixture)' });
    await expect.poll(() => confirm.count()).toBe(1);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('article', { name: 'Model Tiny rgb-lr ×2 (test fixture)' }).count()).toBe(0);
    expect(fs.existsSync(path.join(ui.stateDir, 'models', 'tiny-ui-x2.onnx'))).toBe(false);
  });
});
