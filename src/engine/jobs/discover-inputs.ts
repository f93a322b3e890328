import fs from 'node:fs';
import path from 'node:path';
import { fromFsError, type SrError } from '../errors.ts';
import { TEMP_SUFFIX } from '../imaging/atomic-write.ts';
import { isImageFileName, unreadablePhotoReason } from '../imaging/image-file-name.ts';
import { RealLocations } from './real-location.ts';

/** An image to upscale, and the folder (relative to the output root) its output goes to. */
export interface DiscoveredFile {
  input: string;
  /** '' for files given directly or at the top of a given folder; 'a/b' mirrors sub-folders with --recursive. */
  relativeDir: string;
}

export interface SkippedInput {
  input: string;
  reason: string;
}

export interface FailedInput {
  input: string;
  error: SrError;
}

export interface Discovery {
  /** Sorted by input path, so naming (and collision suffixes) does not depend on the order of the arguments. */
  files: DiscoveredFile[];
  skipped: SkippedInput[];
  failed: FailedInput[];
}

export interface DiscoverOptions {
  recursive: boolean;
  /** Never descend into this folder (the output root when it lies inside an input folder). */
  excludeDir?: string;
}

/**
 * Expands the command's INPUT... (files and folders, any mix) into the images to process. Everything left out is
 * reported with its reason: hidden files and folders, non-images, our own temp files, sub-folders without
 * --recursive, and files listed twice. Missing or unreadable inputs are failures, not a reason to stop.
 */
export function discoverInputs(inputs: readonly string[], options: DiscoverOptions): Discovery {
  const walk = new Walk(options);
  for (const raw of inputs) walk.topLevel(path.resolve(raw));
  walk.linkedFolders();
  walk.files.sort((a, b) => compareText(a.input, b.input));
  return { files: walk.files, skipped: walk.skipped, failed: walk.failed };
}

class Walk {
  readonly files: DiscoveredFile[] = [];
  readonly skipped: SkippedInput[] = [];
  readonly failed: FailedInput[] = [];
  /** Each photo taken, by the file it really is: its place in `files` and the root it was found under. */
  private readonly taken = new Map<string, { index: number; root: string }>();
  private readonly seenDirs = new Set<string>();
  /** Sub-folders reached through a link, walked after everything else: see `linkedFolders`. */
  private readonly deferred: { dir: string; root: string }[] = [];
  private readonly excludeDir: string | undefined;
  private readonly real = new RealLocations();

  constructor(private readonly options: DiscoverOptions) {
    this.excludeDir = options.excludeDir ? this.real.file(options.excludeDir) : undefined;
  }

  topLevel(input: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch (error) {
      this.failed.push({ input, error: fromFsError(error, input, 'read') });
      return;
    }
    // A file named explicitly is taken even if hidden: the user asked for it. Non-images are still skipped.
    if (stat.isDirectory()) this.folder(input, input);
    else this.file(input, input, stat, { explicit: true });
  }

  private folder(dir: string, root: string): void {
    const real = this.real.file(dir);
    if (this.seenDirs.has(real)) {
      this.skipped.push({ input: dir, reason: 'folder already included (listed twice, or a link loop)' });
      return;
    }
    this.seenDirs.add(real);

    let names: string[];
    try {
      names = fs.readdirSync(dir).sort(compareText);
    } catch (error) {
      this.failed.push({ input: dir, error: fromFsError(error, dir, 'read') });
      return;
    }
    for (const name of names) {
      const entry = path.join(dir, name);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(entry); // follows links: a linked photo or folder counts as what it points to
      } catch (error) {
        this.failed.push({ input: entry, error: fromFsError(error, entry, 'read') });
        continue;
      }
      if (stat.isDirectory()) {
        const reason = this.folderSkipReason(name, entry);
        if (reason) this.skipped.push({ input: entry, reason });
        else if (isLink(entry)) this.deferred.push({ dir: entry, root });
        else this.folder(entry, root);
      } else {
        this.file(entry, root, stat, { explicit: false });
      }
    }
  }

  /**
   * Walks the sub-folders met as links, once every folder reached without one has been walked: a folder that is both
   * (`in/a-link` → `in/photos`) is then walked as itself, and its photos' outputs mirror where they really are.
   */
  linkedFolders(): void {
    for (let next = this.deferred.shift(); next !== undefined; next = this.deferred.shift()) this.folder(next.dir, next.root);
  }

  private file(file: string, root: string, stat: fs.Stats, opts: { explicit: boolean }): void {
    const name = path.basename(file);
    const reason = skipReason(name, stat, opts.explicit);
    if (reason) {
      this.skipped.push({ input: file, reason });
      return;
    }
    const relativeDir = file === root ? '' : path.relative(root, path.dirname(file));
    const found: DiscoveredFile = { input: file, relativeDir: relativeDir.split(path.sep).join('/') };
    const real = this.real.file(file);
    const kept = this.taken.get(real);
    if (kept === undefined) {
      this.taken.set(real, { index: this.files.length, root });
      this.files.push(found);
      return;
    }
    // The same photo reached twice. The walk meets entries in name order, so a link (`a/link.jpg` → `../photo.jpg`)
    // may come before the file itself; the file reached without a link is the one kept, so its output is named and
    // placed after the photo, not after the link. Otherwise the first one met stays.
    const keptFile = this.files[kept.index];
    const keptByLink = this.throughLink(keptFile.input, kept.root);
    const foundByLink = this.throughLink(file, root);
    if (keptByLink && !foundByLink) {
      this.files[kept.index] = found;
      this.taken.set(real, { index: kept.index, root });
      this.skipped.push({ input: keptFile.input, reason: linkReason(file) });
    } else {
      this.skipped.push({
        input: file,
        reason: foundByLink && !keptByLink ? linkReason(keptFile.input) : 'already included (listed twice)',
      });
    }
  }
  /** Whether `file` was reached through a symlink: it is one, or a folder between its walk's root and it is one. */
  private throughLink(file: string, root: string): boolean {
    try {
      if (fs.lstatSync(file).isSymbolicLink()) return true;
    } catch {
      return false;
    }
    const dir = path.dirname(file);
    // A file named on its own: through a link if its folder's path has one. Under a walked folder: if a folder between
    // that root and it is one (the root may itself be reached through a link, as the user named it).
    if (file === root) return this.real.file(dir) !== dir;
    return this.real.file(dir) !== path.join(this.real.file(root), path.relative(root, dir));
  }

  private folderSkipReason(name: string, dir: string): string | undefined {
    if (name.startsWith('.')) return 'hidden folder';
    if (this.excludeDir !== undefined && this.real.file(dir) === this.excludeDir) return 'this is the output folder';
    if (!this.options.recursive) return 'sub-folder (pass --recursive to include it)';
    return undefined;
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function linkReason(included: string): string {
  return `reached through a link to ${included}, which is included itself`;
}

function skipReason(name: string, stat: fs.Stats, explicit: boolean): string | undefined {
  if (name.endsWith(TEMP_SUFFIX)) return 'temporary file left by an unfinished write';
  if (!explicit && name.startsWith('.')) return 'hidden file';
  if (!stat.isFile()) return 'not a regular file';
  if (!isImageFileName(name)) {
    const known = unreadablePhotoReason(name);
    if (known) return known;
    const ext = path.extname(name);
    return ext ? `not an image (${ext.toLowerCase()} is not a supported image type)` : 'not an image (no file extension)';
  }
  return undefined;
}

/** Code-point order: the same on every machine and locale, so a resume plans the same names. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
