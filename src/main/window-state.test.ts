// Beside its module (not in test/): tsconfig.electron.json is the project that type-checks src/main.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/store-temp.ts';
import { isTempFileName } from '../engine/imaging/atomic-write.ts';
import { loadWindowState, saveWindowState, type WindowState } from './window-state.ts';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir('srstudio-window-state-');
});
afterEach(() => temp.cleanup());

const placed: WindowState = { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized: true };
const DEFAULT_BOUNDS = { x: 0, y: 0, width: 1280, height: 820 };

describe('window state', () => {
  it('saves atomically and loads back what was saved, leaving no temp file', () => {
    expect(loadWindowState(temp.dir)).toEqual({ bounds: DEFAULT_BOUNDS, maximized: false });
    expect(saveWindowState(temp.dir, placed)).toBe(true);
    expect(loadWindowState(temp.dir)).toEqual(placed);
    const moved: WindowState = { bounds: { ...placed.bounds, x: 200 }, maximized: false };
    expect(saveWindowState(temp.dir, moved)).toBe(true);
    expect(loadWindowState(temp.dir)).toEqual(moved);
    expect(fs.readdirSync(temp.dir)).toEqual(['window-state.json']);
  });

  it('a failed save keeps the previous file untouched and cleans up its temp file, without throwing', () => {
    expect(saveWindowState(temp.dir, placed)).toBe(true);
    const file = path.join(temp.dir, 'window-state.json');
    const before = fs.readFileSync(file);
    // The folder it would write into is gone (the user-data folder was removed while the app ran).
    expect(saveWindowState(path.join(temp.dir, 'missing'), placed)).toBe(false);
    // A real failure at the rename: the target is a non-empty folder.
    const blocked = path.join(temp.dir, 'blocked');
    fs.mkdirSync(path.join(blocked, 'window-state.json', 'in-the-way'), { recursive: true });
    expect(saveWindowState(blocked, placed)).toBe(false);
    expect(fs.readdirSync(blocked).filter(isTempFileName)).toEqual([]);
    expect(loadWindowState(blocked)).toEqual({ bounds: DEFAULT_BOUNDS, maximized: false });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('falls back to default bounds for a damaged or too small saved state', () => {
    const file = path.join(temp.dir, 'window-state.json');
    fs.writeFileSync(file, '{"bounds": {"x": 1');
    expect(loadWindowState(temp.dir).bounds).toEqual(DEFAULT_BOUNDS);
    saveWindowState(temp.dir, { bounds: { x: 0, y: 0, width: 200, height: 100 }, maximized: false });
    expect(loadWindowState(temp.dir).bounds).toEqual(DEFAULT_BOUNDS);
  });
});
