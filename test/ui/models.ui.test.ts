import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withModelMeta } from '../../src/engine/models/model-bytes.ts';
import { readModelMeta } from '../../src/engine/models/model-meta-io.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';
import { useUiApp } from './harness.ts';

/**
 * Flow 4: the Models screen lists the bundled models (float32 and int8), each with a card, the int8 ones with their
 * validation PSNR beside their parent's; then the test imports a tiny model through the UI and exercises
 * make-default and delete-with-confirmation on it, and the refusal of an int8 model over the quality budget as a
 * default unless the user insists.
 */
const BUNDLED = path.resolve('resources/models');
let modelPath = '';
const ui = useUiApp({
  name: 'models',
  prepare: async (root, state) => {
    modelPath = await writeTinyModel(path.join(root, 'models'), 'rgb-lr', { id: 'tiny-ui-x2', scale: 2 });
    // A copy of the bundled ×2 int8 model that claims to have lost 0.4 dB: over the 0.1 dB budget.
    const bytes = fs.readFileSync(path.join(BUNDLED, 'srcnn-x2-int8.onnx'));
    const meta = readModelMeta(bytes);
    if (!meta?.quantizedFrom) throw new Error('srcnn-x2-int8 has no lineage');
    const lossy = {
      ...meta,
      id: 'lossy-x2-int8',
      name: 'Lossy int8 ×2 (test fixture)',
      quantizedFrom: { ...meta.quantizedFrom, psnr: meta.quantizedFrom.parentPsnr - 0.4 },
    };
    fs.mkdirSync(path.join(state, 'models'), { recursive: true });
    fs.writeFileSync(path.join(state, 'models', 'lossy-x2-int8.onnx'), withModelMeta(bytes, lossy));
  },
});

/** The ids of the cards on screen (each card's first code is its id). */
async function cardIds(): Promise<string[]> {
  const cards = ui.page.getByRole('article');
  const ids: string[] = [];
  for (let i = 0; i < (await cards.count()); i++) ids.push((await cards.nth(i).locator('dd code').first().textContent()) ?? '');
  return ids;
}

describe('Models screen', () => {
  it('lists the built-in models, float32 and int8, each with a card', async () => {
    await ui.open('models');
    const heading = ui.page.getByRole('heading', { name: /^Built-in/ });
    // SRCNN, FSRCNN and the photo models at ×2, ×3 and ×4: each in float32 and int8.
    await expect.poll(() => heading.textContent()).toBe('Built-in (18)');
    const ids = await cardIds();
    const bundled = ['srcnn', 'fsrcnn', 'photo'].flatMap((family) => [2, 3, 4].map((scale) => `${family}-x${scale}`));
    for (const id of bundled) {
      expect(ids).toContain(id);
      expect(ids).toContain(`${id}-int8`);
    }
    await ui.screenshot('models-builtin');
  });

  it("shows an int8 model's validation PSNR beside its float32 parent's", async () => {
    const card = ui.page.getByRole('article').filter({ has: ui.page.locator('dd code', { hasText: /^srcnn-x3-int8$/ }) });
    await expect.poll(() => card.count()).toBe(1);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('int8, quantised from srcnn-x3');
    expect(text).toMatch(
      /Quality kept\s*\d\d\.\d\d dB against \d\d\.\d\d dB for srcnn-x3 \([−+]0\.0\d\d dB\), on dataset:1 \(validation split\) \(15 photos\)/,
    );
    expect(text).not.toContain('more than the 0.1 dB budget');
    await card.scrollIntoViewIfNeeded();
    await ui.screenshot('models-int8-card');
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

  it('flags an int8 model over the quality budget, and makes it a default only when the user insists', async () => {
    const page = ui.page;
    await ui.open('models');
    const card = page.getByRole('article', { name: 'Model Lossy int8 ×2 (test fixture)' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('−0.400 dB against srcnn-x2');
    expect(await card.textContent()).toContain('more than the 0.1 dB budget');
    const makeDefault = page.getByRole('button', { name: 'Make Lossy int8 ×2 (test fixture) the default for ×2' });
    await makeDefault.click();
    const question = page.getByRole('alertdialog', { name: 'Confirm making Lossy int8 ×2 (test fixture) a default' });
    await expect.poll(() => question.count()).toBe(1);
    expect(await question.textContent()).toContain('lossy-x2-int8 is 0.40 dB below its float32 parent srcnn-x2');
    await ui.screenshot('models-over-budget');
    // Keeping the current default leaves everything as it was.
    await question.getByRole('button', { name: 'Keep the current default' }).click();
    await expect.poll(() => question.count()).toBe(0);
    expect(await card.getByText('Default for ×2').count()).toBe(0);
    // Insisting makes it the default.
    await makeDefault.click();
    await question.getByRole('button', { name: 'Make it the default anyway' }).click();
    await expect.poll(() => card.getByText('Default for ×2').count()).toBe(1);
  });
});
