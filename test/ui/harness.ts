/**
 * Browser tests of the real UI: the built renderer served by a real `srstudio serve` child process (real engine host,
 * real store in a temp folder), driven by headless Chromium through playwright-core.
 *
 * Usage (one browser and one server per test file; tests in the file share them):
 *
 *   const ui = useUiApp({ name: 'upscale', prepare: async (root) => { ...write fixtures under root... } });
 *   it('…', async () => {
 *     await ui.open('upscale');                       // clicks "Upscale" in the navigation, waits for the engine
 *     await ui.page.getByRole('button', { name: 'Start' }).click();
 *     await expect.poll(() => ui.page.getByRole('alert').count()).toBe(1);
 *     await ui.screenshot('upscale-done');            // test-results/ui/upscale-done.png
 *   });
 *
 * Every console error and uncaught page error fails the test that was running (checked in afterEach).
 * Wait on app state (locators, `expect.poll`, aria attributes); never on fixed sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ensureBuilt, REPO_ROOT } from '../helpers/electron-build.ts';

export { REPO_ROOT };

export const RENDERER_INDEX = path.join(REPO_ROOT, 'out/renderer/index.html');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/ui');
export const CHROMIUM = process.env.SRSTUDIO_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** Sources the renderer bundle is built from: anything newer than the bundle means it must be rebuilt. */
const RENDERER_SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts'];

/** Builds the renderer when it is missing or older than its sources (see ensureBuilt). */
export async function ensureRendererBuilt(): Promise<void> {
  await ensureBuilt(RENDERER_INDEX, RENDERER_SOURCES);
}

export interface ServedApp {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `srstudio serve --port 0` and resolves with the tokenised URL it prints. */
export async function startServe(options: { stateDir: string; roots: string[]; env?: NodeJS.ProcessEnv }): Promise<ServedApp> {
  const args = ['bin/srstudio.js', 'serve', '--port', '0', '--state', options.stateDir, ...options.roots.flatMap((r) => ['--root', r])];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`srstudio serve printed no URL within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`srstudio serve exited with code ${code} before serving:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface UiApp {
  readonly page: Page;
  readonly browser: Browser;
  readonly server: ServedApp;
  /** Temp folder shared with the server as `--root`: put input photos here. */
  readonly rootDir: string;
  readonly stateDir: string;
  /** Console errors and page errors seen since the last check. */
  readonly errors: string[];
  /** Shows one screen by its navigation label (`upscale`, `models`, … case-insensitive) once the engine is ready. */
  open(view: string): Promise<void>;
  /** In the open "Choose a folder" dialog (the web's folder picker): the root folder, then `folder` in it, then Choose. */
  chooseFolder(folder: RegExp): Promise<void>;
  screenshot(name: string): Promise<string>;
}

export interface UiAppOptions {
  /** Prefix of the temp folders. */
  name: string;
  /** Writes fixtures into the root folder (and, e.g. models, into the state folder) before the server starts. */
  prepare?: (rootDir: string, stateDir: string) => Promise<void> | void;
  viewport?: { width: number; height: number };
  env?: NodeJS.ProcessEnv;
}

/** Registers beforeAll/afterEach/afterAll hooks for one served app + one browser per test file. */
export function useUiApp(options: UiAppOptions): UiApp {
  let workDir = '';
  let server: ServedApp | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const errors: string[] = [];

  const app: UiApp = {
    get page() {
      if (!page) throw new Error('The UI app is not started (useUiApp hooks run in beforeAll).');
      return page;
    },
    get browser() {
      return browser!;
    },
    get server() {
      return server!;
    },
    get rootDir() {
      return path.join(workDir, 'root');
    },
    get stateDir() {
      return path.join(workDir, 'state');
    },
    errors,
    async open(view) {
      // The first visit trades the token for a cookie (303 to `/`); then the app's own navigation shows the screen.
      if (!page!.url().startsWith(new URL(server!.url).origin)) await page!.goto(server!.url);
      await page!
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: new RegExp(`^${view}$`, 'i') })
        .click();
      await expect.poll(() => page!.getByText('Engine: ready').count(), { timeout: 30_000 }).toBe(1);
    },
    async chooseFolder(folder) {
      const dialog = page!.getByRole('dialog', { name: 'Choose a folder' });
      await dialog.getByRole('button', { name: app.rootDir }).click();
      await dialog.getByRole('button', { name: folder }).click();
      await dialog.getByRole('button', { name: 'Choose this folder' }).click();
    },
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page!.screenshot({ path: file, fullPage: true });
      return file;
    },
  };

  beforeAll(async () => {
    await ensureRendererBuilt();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), `srs-ui-${options.name}-`));
    fs.mkdirSync(app.rootDir, { recursive: true });
    fs.mkdirSync(app.stateDir, { recursive: true });
    await options.prepare?.(app.rootDir, app.stateDir);
    server = await startServe({ stateDir: app.stateDir, roots: [app.rootDir], env: options.env });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 } });
    page = await context.newPage();
    // Fail fast on a missing element instead of waiting out the test timeout.
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  }, 120_000);

  afterEach(async (context) => {
    // A failed test leaves a picture of what the page showed.
    if (context.task.result?.state === 'fail' && page) {
      await app.screenshot(`FAILED-${options.name}-${context.task.name.replace(/[^\w-]+/g, '-').slice(0, 60)}`).catch(() => {});
    }
    const seen = errors.splice(0);
    expect(seen, 'the page logged errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  return app;
}
