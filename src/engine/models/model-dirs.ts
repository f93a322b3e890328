import path from 'node:path';
import { appRoot } from '../app-root.ts';

export interface ModelDirs {
  /** The state folder (resolveStateDir); user models live in `<stateDir>/models`. */
  stateDir: string;
  /** Where the bundled models are (default: `resources/models` of this checkout or app). */
  builtinDir?: string;
}

/** `resources/<name>` of the checkout (app-root.ts); the packaged app sets SRSTUDIO_RESOURCES. */
function resourcesDir(name: string): string {
  const resources = process.env.SRSTUDIO_RESOURCES;
  if (resources) return path.join(resources, name);
  return path.join(appRoot(), 'resources', name);
}

export function defaultBuiltinDir(): string {
  return resourcesDir('models');
}

export function builtinDirOf(dirs: ModelDirs): string {
  return dirs.builtinDir ?? defaultBuiltinDir();
}

export function userModelsDir(dirs: ModelDirs): string {
  return path.join(dirs.stateDir, 'models');
}
