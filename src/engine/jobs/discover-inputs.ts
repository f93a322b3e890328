import fs from 'node:fs';
import path from 'node:path';
import { fromFsError, type SrError } from '../errors.ts';
import { TEMP_SUFFIX } from '../imaging/atomic-write.ts';
import { isImageFileName } from '../imaging/image-file-name.ts';

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
  walk.files.sort((a, b) => compareText(a.input, b.input));
  return { files: walk.files, skipped: walk.skipped, failed: walk.failed };
}

class Walk {
  readonly files: DiscoveredFile[] = [];
  readonly skipped: SkippedInput[] = [];
  readonly failed: FailedInput[] = [];
  private readonly seenFiles = new Set<string>();
  private readonly seenDirs = new Set<string>();
  private readonly excludeDir: string | undefined;

  constructor(private readonly options: DiscoverOptions) {
    this.excludeDir = options.excludeDir ? realpathOr(path.resolve(options.excludeDir)) : undefined;
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
    const real = realpathOr(dir);
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
        const reason = folderSkipReason(name, entry, this.excludeDir, this.options.recursive);
        if (reason) this.skipped.push({ input: entry, reason });
        else this.folder(entry, root);
      } else {
        this.file(entry, root, stat, { explicit: false });
      }
    }
  }

  private file(file: string, root: string, stat: fs.Stats, opts: { explicit: boolean }): void {
    const name = path.basename(file);
    const reason = skipReason(name, stat, opts.explicit);
    if (reason) {
      this.skipped.push({ input: file, reason });
      return;
    }
    const real = realpathOr(file);
    if (this.seenFiles.has(real)) {
      this.skipped.push({ input: file, reason: 'already included (listed twice)' });
      return;
    }
    this.seenFiles.add(real);
    const relativeDir = file === root ? '' : path.relative(root, path.dirname(file));
    this.files.push({ input: file, relativeDir: relativeDir.split(path.sep).join('/') });
  }
}

function folderSkipReason(name: string, dir: string, excludeDir: string | undefined, recursive: boolean): string | undefined {
  if (name.startsWith('.')) return 'hidden folder';
  if (excludeDir !== undefined && realpathOr(dir) === excludeDir) return 'this is the output folder';
  if (!recursive) return 'sub-folder (pass --recursive to include it)';
  return undefined;
}

function skipReason(name: string, stat: fs.Stats, explicit: boolean): string | undefined {
  if (name.endsWith(TEMP_SUFFIX)) return 'temporary file left by an unfinished write';
  if (!explicit && name.startsWith('.')) return 'hidden file';
  if (!stat.isFile()) return 'not a regular file';
  if (!isImageFileName(name)) {
    const ext = path.extname(name);
    return ext ? `not an image (${ext.toLowerCase()} is not a supported image type)` : 'not an image (no file extension)';
  }
  return undefined;
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Code-point order: the same on every machine and locale, so a resume plans the same names. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
