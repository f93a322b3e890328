import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Recipe } from '../degrade/recipe.ts';
import { writeFileAtomic } from '../imaging/atomic-write.ts';
import type { ProfileReport, ProfileSource } from './profile-target.ts';
import { recipeFromProfile } from './recipe-from-profile.ts';

/**
 * Where profiles and their recipes live in the state folder:
 * - recipes/dataset-3-x2.json (or recipes/<folder name>-x2.json): a recipe for `train --degrade FILE`;
 * - profiles/dataset-3.json: a data set's latest profile with its recipes for ×2, ×3 and ×4 (the blur a recipe adds
 *   depends on the training scale), which the Datasets and Train screens read back; its ×2 recipe is also written
 *   to recipes/dataset-3-x2.json.
 */
export const PROFILE_SCALES = [2, 3, 4] as const;

/** A recipe's name for a source: `dataset-3-photos-x2`, `holiday-photos-x2`. */
function sourceKey(source: ProfileSource): string {
  if (source.kind === 'dataset') return `dataset-${source.id}`;
  return (
    path
      .basename(source.path)
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 60) || 'folder'
  );
}

export function recipeName(source: ProfileSource, scale: number): string {
  return `${sourceKey(source)}-photos-x${scale}`;
}

export function defaultRecipePath(stateDir: string, source: ProfileSource, scale: number): string {
  return path.join(stateDir, 'recipes', `${sourceKey(source)}-x${scale}.json`);
}

export function recipeFor(report: ProfileReport, scale: number): Promise<Recipe> {
  const description = `${report.summary} Blur converted for ×${scale} training. Made by \`srstudio datasets profile\` on ${report.createdAt.slice(0, 10)}.`;
  return recipeFromProfile(report, report.photos.profiled, { scale, name: recipeName(report.source, scale), description });
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeRecipe(file: string, recipe: Recipe): Promise<void> {
  await writeJson(file, recipe);
}

/** A data set's stored profile: the report and its recipes, by scale. */
export interface StoredProfile {
  report: ProfileReport;
  recipes: Record<string, Recipe>;
  /** The ×2 recipe as a file in the state folder, for `train --degrade FILE`. */
  recipeFile: string;
}

function profilesDir(stateDir: string): string {
  return path.join(stateDir, 'profiles');
}

/**
 * Keeps a data set's profile with its recipes for each scale (replacing an older one), and writes its ×2 recipe to
 * the default recipe file; returns what it stored.
 */
export async function storeDatasetProfile(stateDir: string, report: ProfileReport): Promise<StoredProfile> {
  if (report.source.kind !== 'dataset') throw new Error('only data set profiles are stored');
  const recipes: Record<string, Recipe> = {};
  for (const scale of PROFILE_SCALES) recipes[scale] = await recipeFor(report, scale);
  const recipeFile = defaultRecipePath(stateDir, report.source, 2);
  await writeRecipe(recipeFile, recipes[2]);
  const stored: StoredProfile = { report, recipes, recipeFile };
  await writeJson(path.join(profilesDir(stateDir), `dataset-${report.source.id}.json`), stored);
  return stored;
}

/**
 * Every stored data set profile, as parsed JSON for the caller to validate (the engine host checks them against the
 * contract). A file that cannot be read or parsed is passed over: it is only a cache of a profile run.
 */
export async function readStoredProfiles(stateDir: string): Promise<unknown[]> {
  const names = await readdir(profilesDir(stateDir)).catch(() => [] as string[]);
  const profiles: unknown[] = [];
  for (const name of names.filter((n) => /^dataset-\d+\.json$/.test(n)).sort()) {
    try {
      profiles.push(JSON.parse(await readFile(path.join(profilesDir(stateDir), name), 'utf8')));
    } catch {
      // A half-written or hand-edited file: the next profile run replaces it.
    }
  }
  return profiles;
}
