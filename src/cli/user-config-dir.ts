import os from 'node:os';
import path from 'node:path';

/**
 * The per-user folder for the CLI's own small memories (which one-time notes it has shown), apart from the state
 * folder: that one holds data and may be a shared or per-project folder (--state, $SRSTUDIO_HOME), while what a
 * person has already been told belongs to them. $XDG_CONFIG_HOME/sr-studio (~/.config/sr-studio) on Linux, the
 * app-data folder on macOS and Windows.
 */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'SR Studio');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'SR Studio');
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'sr-studio');
}
