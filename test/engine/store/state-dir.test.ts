import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStateDir } from '../../../src/engine/store/state-dir.ts';

describe('resolveStateDir', () => {
  const env = { HOME: '/home/ana', SRSTUDIO_HOME: '/data/srs', XDG_DATA_HOME: '/xdg', APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' };

  it('prefers the --state flag, then SRSTUDIO_HOME', () => {
    expect(resolveStateDir('/tmp/flag', env, 'linux')).toBe('/tmp/flag');
    expect(resolveStateDir('rel/dir', env, 'linux')).toBe(path.resolve('rel/dir'));
    expect(resolveStateDir(undefined, env, 'linux')).toBe('/data/srs');
    expect(resolveStateDir('', env, 'linux')).toBe('/data/srs');
  });

  it('falls back to the OS app-data folder', () => {
    const noOverride = { ...env, SRSTUDIO_HOME: undefined };
    expect(resolveStateDir(undefined, noOverride, 'linux')).toBe('/xdg/sr-studio');
    expect(resolveStateDir(undefined, { HOME: '/home/ana' }, 'linux')).toBe('/home/ana/.local/share/sr-studio');
    expect(resolveStateDir(undefined, { HOME: '/home/ana', XDG_DATA_HOME: 'relative' }, 'linux')).toBe('/home/ana/.local/share/sr-studio');
    expect(resolveStateDir(undefined, { HOME: '/Users/ana' }, 'darwin')).toBe('/Users/ana/Library/Application Support/SR Studio');
    expect(resolveStateDir(undefined, noOverride, 'win32')).toBe('C:\\Users\\ana\\AppData\\Roaming\\SR Studio');
  });
});
