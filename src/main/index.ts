import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, protocol, session } from 'electron';
import { resolveStateDir } from '../engine/store/state-dir.ts';
import { EngineSupervisor } from '../engine-host/supervisor.ts';
import { IPC } from '../shared/contract/index.ts';
import { AllowedRoots } from './allowed-roots.ts';
import { utilitySpawner } from './engine-utility.ts';
import { registerIpc } from './ipc.ts';
import { serveRendererProtocol } from './protocols/app-protocol.ts';
import { serveImageProtocol } from './protocols/image-protocol.ts';
import { denyNavigation } from './security/navigation.ts';
import { denyAllPermissions } from './security/permissions.ts';
import { secureWebPreferences } from './security/web-preferences.ts';
import { loadWindowState, trackWindowState } from './window-state.ts';

/**
 * Electron main: thin on purpose. It owns the window, the security rules, the protocols and the engine supervisor;
 * everything that computes runs in the engine host (a utility process).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '../renderer');
const PRELOAD = path.join(here, '../preload/index.cjs');
const ENGINE_ENTRY = path.join(here, 'engine-host.js');
const APP_URL = 'app://renderer/index.html';
// Bundled models: `resources/` of the checkout, or the packaged app's resources folder (see electron-builder.yml).
const RESOURCES_DIR = app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'resources');
// electron-vite dev serves the renderer over http; only unpackaged builds may use it.
const DEV_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

/** Unpackaged runs load better-sqlite3 built for Electron's ABI from beside the Node build (scripts/electron-native.mjs). */
function electronSqliteBinding(): Record<string, string> {
  if (app.isPackaged) return {};
  const binding = path.join(app.getAppPath(), 'node_modules/.srstudio-electron', process.versions.electron, 'better_sqlite3.node');
  return existsSync(binding) ? { SRSTUDIO_SQLITE_BINDING: binding } : {};
}

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'srs-image', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** Custom schemes have an opaque WHATWG origin ("null"), so compare scheme + host instead. */
function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}
const trustedOrigins: ReadonlySet<string> = new Set(['app://renderer', ...(DEV_URL ? [originOf(DEV_URL) ?? ''] : [])]);
const isAppUrl = (url: string) => trustedOrigins.has(originOf(url) ?? '');

class DesktopApp {
  private window: BrowserWindow | undefined;
  private readonly roots = new AllowedRoots();
  private readonly stateDir = resolveStateDir();
  private readonly supervisor = new EngineSupervisor({
    spawn: utilitySpawner(ENGINE_ENTRY, { SRSTUDIO_HOME: this.stateDir, SRSTUDIO_RESOURCES: RESOURCES_DIR, ...electronSqliteBinding() }),
  });

  async start(): Promise<void> {
    this.roots.add(this.stateDir);
    denyNavigation(app, isAppUrl);
    denyAllPermissions(session.defaultSession);
    serveRendererProtocol(RENDERER_DIR);
    serveImageProtocol(this.roots);
    registerIpc({ supervisor: this.supervisor, roots: this.roots, trustedOrigins, window: () => this.window });
    this.supervisor.onEvent((name, payload) => this.window?.webContents.send(IPC.event, name, payload));
    void this.supervisor.start();
    this.openWindow();
  }

  openWindow(): void {
    if (this.window) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.focus();
      return;
    }
    const state = loadWindowState(app.getPath('userData'));
    const window = new BrowserWindow({
      ...state.bounds,
      minWidth: 800,
      minHeight: 560,
      show: false,
      title: 'SR Studio',
      webPreferences: secureWebPreferences(PRELOAD),
    });
    if (state.maximized) window.maximize();
    trackWindowState(window, app.getPath('userData'));
    window.once('ready-to-show', () => window.show());
    // A page that (re)loads missed earlier engine.state events: tell it where the engine stands.
    window.webContents.on('did-finish-load', () => window.webContents.send(IPC.event, 'engine.state', this.supervisor.stateEvent));
    window.on('closed', () => {
      this.window = undefined;
    });
    this.window = window;
    void window.loadURL(DEV_URL ?? APP_URL);
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another SR Studio is running and will focus its window: one engine per app.
  app.quit();
} else {
  const desktop = new DesktopApp();
  app.on('second-instance', () => desktop.openWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => desktop.openWindow());
  app.on('will-quit', () => void desktop.stop());
  app.on('child-process-gone', (_event, details) => {
    // The supervisor already restarts the engine; this only leaves a trace for bug reports.
    console.error(`SR Studio: child process gone (${details.type}, ${details.reason})`);
  });
  void app.whenReady().then(() => desktop.start());
}
