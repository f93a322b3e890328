import os from 'node:os';
import path from 'node:path';

/**
 * Where SR Studio keeps its database and artefacts.
 * Precedence: `--state DIR` flag > env `SRSTUDIO_HOME` > the OS's per-user app-data folder.
 * The CLI and the desktop app resolve the same folder, so both see the same datasets, jobs and runs.
 */
export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (flag && flag.trim() !== '') return path.resolve(flag);
  const fromEnv = env.SRSTUDIO_HOME;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  return defaultAppDataDir(env, platform);
}

function defaultAppDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, 'SR Studio');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'SR Studio');
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(dataHome, 'sr-studio');
}
