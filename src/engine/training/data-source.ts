import { datasetImagePaths } from '../datasets/index.ts';
import { isSrError, SrError } from '../errors.ts';
import { listEvalImages } from '../eval/list-images.ts';
import type { Store } from '../store/store.ts';

/** `dataset:ID` names a data set in the store; anything else is a folder of HR images. */
export async function resolveImagePaths(spec: string, store: Store, split: 'train' | 'val'): Promise<string[]> {
  const match = /^dataset:(\d+)$/.exec(spec.trim());
  if (!match) return listFolderImages(spec);
  const id = Number(match[1]);
  const paths = datasetImagePaths(store, id, split);
  if (paths.length === 0) {
    throw new SrError(
      'NO_IMAGES',
      `Data set ${id} has no ${split === 'val' ? 'validation' : 'training'} images on disk`,
      split === 'val'
        ? 'Assign some images to its validation split, or pass --val a folder.'
        : 'Add images to the data set, or pass --data a folder.',
    );
  }
  return paths;
}

/**
 * A folder's own images. Photo collections are often organised in subfolders, which a plain folder does not search:
 * a data set can take them (`datasets create --recursive`), so the error says how.
 */
async function listFolderImages(dir: string): Promise<string[]> {
  try {
    return await listEvalImages(dir);
  } catch (error) {
    if (!isSrError(error) || error.code !== 'NO_IMAGES') throw error;
    throw new SrError(
      'NO_IMAGES',
      `${error.message} (subfolders are not searched)`,
      `Put the photos directly in that folder, or make a data set of the whole tree and train on it: srstudio datasets create NAME ${dir} --recursive, then --data dataset:ID.`,
      dir,
    );
  }
}
