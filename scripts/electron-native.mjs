#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into node_modules/.srstudio-electron/<version>/, beside the
// Node build in node_modules/better-sqlite3. The desktop app's engine loads that copy (SRSTUDIO_SQLITE_BINDING, set
// by src/main), so `npm start` never breaks the CLI and `npm test`, which keep using the Node build.
// Packaged apps do not need this: electron-builder rebuilds native modules for Electron (npmRebuild: true).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const target = path.join(root, 'node_modules/.srstudio-electron', electronVersion, 'better_sqlite3.node');

if (existsSync(target)) process.exit(0);

console.log(`Building better-sqlite3 for Electron ${electronVersion} (once; about two minutes)…`);
const work = mkdtempSync(path.join(tmpdir(), 'srs-electron-native-'));
try {
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'srs-native', version: '1.0.0', dependencies: { 'better-sqlite3': '*' } }),
  );
  cpSync(path.join(root, 'node_modules/better-sqlite3'), path.join(work, 'node_modules/better-sqlite3'), { recursive: true });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(path.join(work, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), target);
  console.log(`Wrote ${path.relative(root, target)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
