import { open, readFile, stat } from 'node:fs/promises';
import { fromFsError, SrError } from '../errors.ts';

/**
 * Checks that `path` is a non-empty, readable regular file and returns its size.
 * Done with real fs calls (not sharp) so that "missing", "no permission" and "empty" are told apart
 * instead of all surfacing as libvips' vague "Input file is missing".
 */
export async function checkSourceFile(path: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new SrError(
        'BAD_ARGUMENT',
        `${path} is a folder, not an image file`,
        'Pass an image file, or use batch mode for folders.',
        path,
      );
    }
    size = info.size;
  } catch (error) {
    throw error instanceof SrError ? error : fromFsError(error, path, 'read');
  }
  // stat succeeds without read permission, so open the file to find out for real.
  try {
    const handle = await open(path, 'r');
    await handle.close();
  } catch (error) {
    throw fromFsError(error, path, 'read');
  }
  if (size === 0) throw emptyFileError(path);
  return size;
}

export async function readSourceFile(path: string): Promise<Buffer> {
  await checkSourceFile(path);
  try {
    return await readFile(path);
  } catch (error) {
    throw fromFsError(error, path, 'read');
  }
}

export function emptyFileError(label: string): SrError {
  return new SrError(
    'EMPTY_FILE',
    `${label} is empty (0 bytes)`,
    'The file was probably not fully copied or downloaded; copy it again.',
    label,
  );
}
