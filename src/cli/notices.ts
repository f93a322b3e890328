import fs from 'node:fs';
import path from 'node:path';
import { isCpuFallbackNotice } from '../engine/models/cpu-fallback-notice.ts';
import { userConfigDir } from './user-config-dir.ts';

/** Set from the global --verbose before a command runs (main.ts). */
let verbose = false;

export function setVerboseNotices(on: boolean): void {
  verbose = on;
}

const NOTES_FILE = 'notes-shown.json';

/** What that file remembers: the wording of the last CPU-fallback note shown. */
interface NotesShown {
  cpuFallback?: string;
}

/**
 * Whether the CLI prints this engine notice. The CPU fallback of `--device auto` (~300 characters on how to install
 * CUDA) is told once per machine: printed the first time, remembered in the user config folder, and printed again
 * only when its wording changes (another reason), or with --verbose. Asking for a GPU outright (--device cuda) never
 * falls back: it fails with the same hint. Every other notice always prints.
 */
export function shouldPrintNotice(message: string, configDir: string = userConfigDir()): boolean {
  if (verbose || !isCpuFallbackNotice(message)) return true;
  const file = path.join(configDir, NOTES_FILE);
  const shown = readShown(file);
  if (shown.cpuFallback === message) return false;
  remember(file, { ...shown, cpuFallback: message });
  return true;
}

function readShown(file: string): NotesShown {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { cpuFallback?: unknown } | null;
    return typeof parsed?.cpuFallback === 'string' ? { cpuFallback: parsed.cpuFallback } : {};
  } catch {
    return {}; // never written, or unreadable: the note prints, as on a first run
  }
}

/**
 * Temp file then rename, so two CLI runs at once leave one whole file. A folder that cannot be written only means the
 * note prints again next time.
 */
function remember(file: string, shown: NotesShown): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, `${JSON.stringify(shown, null, 2)}\n`);
    fs.renameSync(temp, file);
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // No folder, so no temp file either.
    }
  }
}
