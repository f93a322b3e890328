#!/usr/bin/env node
// Fetches Electron's own binary for `npm start` and `npm run dev`, once (about 100 MB, from GitHub or $ELECTRON_MIRROR).
// Since Electron 45 its npm package downloads the binary when the app first requires it, not at install; but
// electron-vite looks for the binary without requiring the package, and stops with "Electron uninstall" when it is not
// there yet. So it is fetched here first, by the package's own installer (node_modules/electron/install.js), which
// returns at once when the binary is already in place.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = path.join(root, 'node_modules/electron');
if (!existsSync(path.join(electron, 'package.json'))) {
  console.error('Electron is not installed (node_modules/electron is missing): run npm install first, without --omit=dev.');
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(path.join(electron, 'package.json'), 'utf8'));

const installed = spawnSync(process.execPath, [path.join(electron, 'install.js')], { cwd: electron, stdio: 'inherit' });
// Interrupted (Ctrl-C): stop as asked, without blaming the download.
if (installed.signal) process.exit(1);
if (installed.error || installed.status !== 0) {
  console.error(
    `\nElectron ${version} could not be downloaded, and the desktop app needs it (once, about 100 MB).\n` +
      '  → Check the connection (or set ELECTRON_MIRROR to a mirror you can reach), then run npm start again.\n' +
      '  → Without Electron, the same app runs in a browser: npm run build, then npx srstudio serve (docs/cli.md);\n' +
      '    the command line needs nothing more: npx srstudio upscale FOLDER.',
  );
  process.exit(1);
}
