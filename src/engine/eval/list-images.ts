import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fromFsError, SrError } from '../errors.ts';

/** Extensions an evaluation folder may hold; everything else (notes, hidden and temp files) is ignored. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp']);

/** The image files directly inside `dir`, sorted by name so that results are in a stable order. */
export async function listEvalImages(dir: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    throw fromFsError(error, dir, 'read');
  }
  if (!info.isDirectory()) {
    throw new SrError('BAD_ARGUMENT', `${dir} is a file, not a folder`, 'Pass --data a folder of HR images (e.g. Set5).', dir);
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw fromFsError(error, dir, 'read');
  }
  const images = names.filter((name) => !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).sort();
  if (images.length === 0) {
    throw new SrError(
      'NO_IMAGES',
      `No images in ${dir}`,
      `Put the HR images (${[...IMAGE_EXTENSIONS].join(', ')}) directly in that folder.`,
      dir,
    );
  }
  return images.map((name) => join(dir, name));
}
