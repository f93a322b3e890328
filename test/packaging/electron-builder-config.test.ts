import { existsSync } from 'node:fs';
import path from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

// The desktop build cannot run here (no Electron binary to download), so the packaging config is checked with
// electron-builder's own loader and schema validation instead: what it accepts here is what `npm run dist` gets.
const root = path.resolve(import.meta.dirname, '../..');

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('targets AppImage and deb, NSIS and dmg, with an icon that exists', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(existsSync(path.join(root, String(config.icon)))).toBe(true);
  });

  it('unpacks the native modules from asar and sets the security fuses', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const unpacked = ([] as string[]).concat(config.asarUnpack ?? []);
    for (const module of ['onnxruntime-node', 'better-sqlite3', 'sharp']) {
      expect(unpacked.some((pattern) => pattern.includes(`node_modules/${module}/`))).toBe(true);
    }
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
    });
  });
});
