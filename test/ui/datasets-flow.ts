import { expect } from 'vitest';
import type { UiApp } from './harness.ts';

/** Datasets screen: a new data set from a folder under the server's --root, named after the folder. */
export async function createDataSet(ui: UiApp, folder: string, images: number): Promise<void> {
  const page = ui.page;
  await ui.open('datasets');
  await page.getByRole('button', { name: 'New data set' }).click();
  await page.getByRole('button', { name: 'Add folder…' }).click();
  // The web UI's folder picker browses the server's --root.
  const dialog = page.getByRole('dialog', { name: 'Choose a folder' });
  await dialog.getByRole('button', { name: new RegExp(ui.rootDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).click();
  await dialog.getByRole('button', { name: new RegExp(folder) }).click();
  await dialog.getByRole('button', { name: 'Choose this folder' }).click();
  await expect.poll(() => page.getByLabel('Name').inputValue()).toBe(folder);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect.poll(() => page.getByText(`Added ${images} images.`).count(), { timeout: 30_000 }).toBe(1);
}
