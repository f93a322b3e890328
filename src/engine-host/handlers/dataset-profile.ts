import { getDataset, listDatasets } from '../../engine/datasets/index.ts';
import { profileSource, readStoredProfiles, type StoredProfile, storeDatasetProfile } from '../../engine/profile/index.ts';
import { DatasetProfile } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';

/** A stored profile as the contract shows it (the per-photo details stay in the file and the CLI's --json). */
function toContract({ report, recipes, recipeFile }: StoredProfile): DatasetProfile {
  if (report.source.kind !== 'dataset') throw new Error('only data set profiles are shown');
  const { photos, jpeg, noise, blur, size } = report;
  return {
    datasetId: String(report.source.id),
    datasetName: report.source.name.slice(0, 200),
    createdAt: report.createdAt,
    summary: report.summary.slice(0, 2000),
    photos: {
      found: photos.found,
      read: photos.read,
      profiled: photos.profiled,
      skipped: photos.skipped.slice(0, 1000).map(({ path, reason }) => ({ path, reason: reason.slice(0, 500) })),
    },
    jpeg: jpeg && { ...jpeg, subsampling: { ...jpeg.subsampling } as Record<string, number> },
    noise,
    blur,
    size,
    recipes: { '2': recipes[2], '3': recipes[3], '4': recipes[4] },
    recipeFile,
  };
}

/**
 * Data set profiles (src/engine/profile): `datasets.profile` reads a sample of the photos (seconds to a minute) and
 * keeps the result in the state folder, where `datasets.profiles` (and `srstudio datasets profile ID`) find it.
 */
export const datasetProfileHandlers: HandlerTable = {
  'datasets.profile': async ({ id, sample }, { services, stateDir, signal }) => {
    const record = getDataset(services.store, id);
    const source = { kind: 'dataset' as const, id: record.id, name: record.name };
    const report = await profileSource(source, () => services.store, { sample, signal });
    return { profile: toContract(await storeDatasetProfile(stateDir, report)) };
  },
  'datasets.profiles': async (_params, { services, stateDir }) => {
    const existing = new Set(listDatasets(services.store).map((d) => String(d.id)));
    const profiles: DatasetProfile[] = [];
    for (const raw of await readStoredProfiles(stateDir)) {
      // A file from an older version or edited by hand is passed over: profiling the data set again replaces it.
      let parsed: ReturnType<typeof DatasetProfile.safeParse>;
      try {
        parsed = DatasetProfile.safeParse(toContract(raw as StoredProfile));
      } catch {
        continue;
      }
      if (parsed.success && existing.has(parsed.data.datasetId)) profiles.push(parsed.data);
    }
    return { profiles };
  },
};
