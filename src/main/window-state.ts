import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
// Pure Node (fs + the SrError mapping), like the engine's state-dir that main already uses: no engine runtime here.
import { writeFileAtomicSync } from '../engine/imaging/atomic-write.ts';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };

function isWindowState(value: unknown): value is WindowState {
  const v = value as WindowState | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.maximized === 'boolean' &&
    ['x', 'y', 'width', 'height'].every((k) => Number.isFinite((v.bounds as unknown as Record<string, unknown>)?.[k]))
  );
}

const FILE_NAME = 'window-state.json';

/** Remembers where the window was, in the user-data folder; a damaged file just means default bounds. */
export function loadWindowState(userData: string): WindowState {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(userData, FILE_NAME), 'utf8'));
    if (isWindowState(parsed) && parsed.bounds.width >= 400 && parsed.bounds.height >= 300) return parsed;
  } catch {
    // first start or unreadable: defaults
  }
  return DEFAULT_STATE;
}

/**
 * Writes the state atomically (temp file, fsync, rename; synchronous, as the window is closing), so a crash or
 * power cut while quitting leaves the previous file rather than a torn one. Returns false when it could not be
 * written: not worth bothering the user about, the next start just uses default bounds.
 */
export function saveWindowState(userData: string, state: WindowState): boolean {
  try {
    writeFileAtomicSync(path.join(userData, FILE_NAME), [Buffer.from(JSON.stringify(state))]);
    return true;
  } catch {
    return false;
  }
}

export function trackWindowState(window: BrowserWindow, userData: string): void {
  window.on('close', () => {
    saveWindowState(userData, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  });
}
