import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElectronBridge } from '../../src/shared/contract/index.ts';
import { writeTinyModel } from '../helpers/models-tiny.ts';

/**
 * Launches the real desktop app (built by `npx electron-vite build`) with Playwright. The binary's location is read the
 * way the `electron` package does (path.txt + dist/), without requiring the package: requiring it starts a download.
 */
function electronBinary(): string | undefined {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(packageDir, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist'),
    fs.readFileSync(pathFile, 'utf8').trim(),
  );
  return fs.existsSync(binary) ? binary : undefined;
}

/** What the page's global object has, seen from the test (which runs without DOM typings). */
interface PageGlobals {
  srs?: ElectronBridge;
  require?: unknown;
  process?: unknown;
}

const binary = electronBinary();
const electronBinaryExists = binary !== undefined;
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const reason = `(skipped: no Electron binary at ${path.join(repoRoot, 'node_modules/electron/dist')})`;

let app: ElectronApplication | undefined;
let page: Page;
let workDir: string;

beforeAll(async () => {
  if (!electronBinaryExists) return;
  expect(fs.existsSync(path.join(repoRoot, 'out/main/index.js')), 'build first: npx electron-vite build').toBe(true);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-e2e-'));
  app = await _electron.launch({
    executablePath: binary,
    args: [repoRoot],
    env: { ...process.env, SRSTUDIO_HOME: path.join(workDir, 'state') },
  });
  page = await app.firstWindow();
});

afterAll(async () => {
  await app?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('the desktop app', () => {
  it.skipIf(!electronBinaryExists)(
    `boots sandboxed with only window.srs exposed and shows the engine's system info ${reason}`,
    async () => {
      expect(page.url()).toBe('app://renderer/index.html');
      const exposed = await page.evaluate(() => {
        const globals = globalThis as unknown as PageGlobals;
        return {
          srs: typeof globals.srs,
          require: typeof globals.require,
          process: typeof globals.process,
          ipc: 'ipcRenderer' in (globals.srs ?? {}),
        };
      });
      expect(exposed).toEqual({ srs: 'object', require: 'undefined', process: 'undefined', ipc: false });
      await page.getByRole('button', { name: 'System' }).click();
      await expect.poll(() => page.getByText('Execution providers').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => page.getByText('Engine: ready').count()).toBe(1);
    },
  );

  it.skipIf(!electronBinaryExists)(`upscales one image through window.srs and the engine host ${reason}`, async () => {
    const input = path.join(workDir, 'in.png');
    const outputFolder = path.join(workDir, 'out');
    const modelPath = await writeTinyModel(workDir, 'rgb-lr', { id: 'tiny-e2e', scale: 2 });
    await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .png()
      .toFile(input);
    const final = await page.evaluate(
      ({ input, outputFolder, modelPath }) =>
        new Promise<unknown>((resolve) => {
          const bridge = (globalThis as unknown as PageGlobals).srs!;
          const off = bridge.onJobState((event) => {
            if (['done', 'failed', 'cancelled', 'interrupted'].includes(event.state)) {
              off();
              resolve(event);
            }
          });
          void bridge.jobs.start({ inputs: [input], outputFolder, model: modelPath, scale: 2, format: 'png' }).then((outcome) => {
            if (!outcome.ok) resolve(outcome);
          });
        }),
      { input, outputFolder, modelPath },
    );
    expect(final).toMatchObject({ state: 'done' });
    const [written] = fs.readdirSync(outputFolder);
    const meta = await sharp(path.join(outputFolder, written)).metadata();
    expect([meta.width, meta.height]).toEqual([64, 48]);
  });
});
