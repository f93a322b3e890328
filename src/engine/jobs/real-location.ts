import fs from 'node:fs';
import path from 'node:path';

/**
 * Where paths really lead, for telling whether two of them are the same file: the folders' symlinks resolved (up to
 * the nearest folder that exists, for outputs whose folders are not made yet), the name kept. An output folder given
 * through a symlink to an input folder must be recognised as that folder, or an output could be planned on top of the
 * input photo itself. Folder lookups are cached: a batch has thousands of files in a few folders.
 */
export class RealLocations {
  private readonly folders = new Map<string, string>();

  /** `p` with its folder's symlinks resolved; the last component is kept (a symlink there is itself the entry). */
  location(p: string): string {
    const absolute = path.resolve(p);
    return path.join(this.folder(path.dirname(absolute)), path.basename(absolute));
  }

  /** The file `p` leads to, a symlinked file followed too; its location where it does not exist. */
  file(p: string): string {
    try {
      return fs.realpathSync(p);
    } catch {
      return this.location(p);
    }
  }

  private folder(dir: string): string {
    const known = this.folders.get(dir);
    if (known !== undefined) return known;
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      const parent = path.dirname(dir);
      // The root itself is missing or unreadable: nothing to resolve.
      real = parent === dir ? dir : path.join(this.folder(parent), path.basename(dir));
    }
    this.folders.set(dir, real);
    return real;
  }
}
