import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

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

/** Remembers where the window was, in the user-data folder; a damaged file just means default bounds. */
export function loadWindowState(userData: string): WindowState {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(userData, 'window-state.json'), 'utf8'));
    if (isWindowState(parsed) && parsed.bounds.width >= 400 && parsed.bounds.height >= 300) return parsed;
  } catch {
    // first start or unreadable: defaults
  }
  return DEFAULT_STATE;
}

export function trackWindowState(window: BrowserWindow, userData: string): void {
  const file = path.join(userData, 'window-state.json');
  const save = () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    const temp = `${file}.tmp`;
    try {
      fs.writeFileSync(temp, JSON.stringify(state));
      fs.renameSync(temp, file);
    } catch {
      // Not worth bothering the user about.
    }
  };
  window.on('close', save);
}
