import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetsRepo } from '../datasets/datasets-repo.ts';
import { walkRoots } from '../datasets/walk.ts';
import { SrError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { describeProfile } from './describe-profile.ts';
import { type PhotosProfile, type ProfileOptions, profilePhotos, type SkippedPhoto } from './profile-photos.ts';

/** What `datasets profile` reads: a data set (its photos on disk), or a folder of photos. */
export type ProfileSource = { kind: 'dataset'; id: number; name: string } | { kind: 'folder'; path: string; recursive: boolean };

/** A profile as the CLI prints it, the Datasets screen shows it, and the state folder keeps it. */
export interface ProfileReport extends PhotosProfile {
  version: 1;
  source: ProfileSource;
  createdAt: string;
  /** The profile in plain words. */
  summary: string;
}

/**
 * DATASET|FOLDER as `datasets profile` takes it: a number is a data set id (as every `datasets` subcommand takes it),
 * an existing path is a folder, anything else a data set's name. `./3` profiles a folder called 3.
 */
export async function resolveProfileSource(ref: string, store: () => Store, recursive: boolean): Promise<ProfileSource> {
  if (!/^\d+$/.test(ref)) {
    const info = await stat(ref).catch(() => undefined);
    if (info?.isDirectory()) return { kind: 'folder', path: path.resolve(ref), recursive };
    if (info) throw new SrError('BAD_ARGUMENT', `${ref} is a file, not a folder or a data set`, 'Profile the folder it is in.', ref);
  }
  const repo = new DatasetsRepo(store());
  const id = repo.resolve(ref);
  return { kind: 'dataset', id, name: repo.record(id).name };
}

/** The photos of a source, sorted, with the files left out (and why) before any is read. */
async function listPhotos(source: ProfileSource, store: () => Store): Promise<{ paths: string[]; skipped: SkippedPhoto[] }> {
  if (source.kind === 'dataset') {
    const repo = new DatasetsRepo(store());
    const images = repo.images(source.id, { split: 'all', includeMissing: true });
    return {
      paths: images.filter((i) => !i.missing).map((i) => i.path),
      skipped: images.filter((i) => i.missing).map((i) => ({ path: i.path, reason: 'missing on disk (moved or deleted)' })),
    };
  }
  const walked = await walkRoots([{ path: source.path, recursive: source.recursive }]);
  if (walked.missingRoots.length > 0) {
    throw new SrError(
      'NOT_FOUND',
      `No such folder: ${source.path}`,
      'Check the path, or give a data set id from `srstudio datasets list`.',
      source.path,
    );
  }
  return { paths: walked.files, skipped: walked.skipped.map(({ path, reason }) => ({ path, reason })) };
}

export async function profileSource(source: ProfileSource, store: () => Store, options: ProfileOptions = {}): Promise<ProfileReport> {
  const { paths, skipped } = await listPhotos(source, store);
  const what = source.kind === 'dataset' ? `data set ${source.id} "${source.name}"` : `the folder ${source.path}`;
  const profile = await profilePhotos(paths, skipped, what, options);
  return { version: 1, source, createdAt: new Date().toISOString(), ...profile, summary: describeProfile(profile) };
}
