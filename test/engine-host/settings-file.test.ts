import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTempFileName } from '../../src/engine/imaging/atomic-write.ts';
import { readSettings, writeSettings } from '../../src/engine-host/handlers/settings.ts';
import { Settings } from '../../src/shared/contract/index.ts';
import { makeTempDir } from '../helpers/store-temp.ts';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir('srstudio-settings-');
});
afterEach(() => temp.cleanup());

const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => isTempFileName(f) || f.endsWith('.tmp'));

describe('the settings file', () => {
  it('is written through the atomic writer, replaces the old one whole, and leaves no temp file', () => {
    const stateDir = path.join(temp.dir, 'state', 'nested');
    expect(readSettings(stateDir)).toEqual(Settings.parse({}));

    writeSettings(stateDir, Settings.parse({ theme: 'dark', tileSize: 512 }));
    expect(readSettings(stateDir)).toMatchObject({ theme: 'dark', tileSize: 512 });
    writeSettings(stateDir, Settings.parse({ theme: 'light' }));
    const text = fs.readFileSync(path.join(stateDir, 'settings.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(Settings.parse({ theme: 'light' }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(leftovers(stateDir)).toEqual([]);
  });

  it('a failed write keeps the previous settings, removes its temp file and names the file', () => {
    const stateDir = path.join(temp.dir, 'state');
    writeSettings(stateDir, Settings.parse({ theme: 'dark' }));
    // Make the final rename fail for real: settings.json is now a non-empty folder.
    const file = path.join(stateDir, 'settings.json');
    const saved = fs.readFileSync(file);
    fs.rmSync(file);
    fs.mkdirSync(path.join(file, 'in-the-way'), { recursive: true });

    expect(() => writeSettings(stateDir, Settings.parse({ theme: 'light' }))).toThrowError(
      expect.objectContaining({ name: 'SrError', path: file }),
    );
    expect(leftovers(stateDir)).toEqual([]);
    expect(fs.statSync(file).isDirectory()).toBe(true);

    // And with the folder gone, the write goes through again.
    fs.rmSync(file, { recursive: true });
    fs.writeFileSync(file, saved);
    writeSettings(stateDir, Settings.parse({ theme: 'light' }));
    expect(readSettings(stateDir).theme).toBe('light');
  });
});
