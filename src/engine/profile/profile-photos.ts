import { isSrError, SrError } from '../errors.ts';
import { JpegHeaderError } from './jpeg-header.ts';
import { type PhotoProfile, profilePhoto } from './photo-profile.ts';
import { type PhotosSummary, summarise } from './summarise.ts';

/** How many photos a profile reads by default: enough for stable medians, and about half a minute on a laptop. */
export const DEFAULT_SAMPLE = 30;

export interface SkippedPhoto {
  path: string;
  reason: string;
}

export interface PhotosProfile extends PhotosSummary {
  photos: {
    /** Image files found. */
    found: number;
    /** How many of them were read (an even sample when there are more than the sample size). */
    read: number;
    /** How many were read and profiled; the others are in `skipped`. */
    profiled: number;
    /** Files left out, each with why: not an image, unreadable, corrupt, too small to measure. */
    skipped: SkippedPhoto[];
  };
  perPhoto: PhotoProfile[];
}

export interface ProfileOptions {
  /** Read at most this many photos (default DEFAULT_SAMPLE). */
  sample?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** `count` indices spread evenly over [0, total), first and last included: a sample that covers the whole set. */
export function evenSample(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, i) => Math.round((i * (total - 1)) / (count - 1)));
}

/** Why a photo was skipped, without its path (the caller lists the path beside it). */
function reasonOf(error: unknown, path: string): string {
  if (isSrError(error)) return error.message.startsWith(`${path} `) ? error.message.slice(path.length + 1) : error.message;
  if (error instanceof JpegHeaderError) return `a damaged JPEG header: ${error.message}`;
  return `could not be read: ${(error as Error).message}`;
}

/**
 * Profiles a set of photos (sorted paths). A file that cannot be read is skipped with its reason, never stopping
 * the rest; `skipped` may already hold files the caller left out (a folder's non-image files). Only a set with no
 * photo at all, or none that could be read, is an error; `what` names the set in it ("the folder /x", "data set 3").
 */
export async function profilePhotos(
  paths: readonly string[],
  skipped: SkippedPhoto[],
  what: string,
  options: ProfileOptions = {},
): Promise<PhotosProfile> {
  if (paths.length === 0) {
    throw new SrError(
      'NO_IMAGES',
      skipped.length > 0
        ? `No photos to profile in ${what}: none of its ${skipped.length} file(s) is a photo on disk (first: ${skipped[0].path}: ${skipped[0].reason})`
        : `No photos to profile: ${what} is empty`,
      'Point it at a folder of photos (JPEG, PNG, TIFF, WebP…) or a data set that has some.',
    );
  }
  const sample = Math.max(1, Math.floor(options.sample ?? DEFAULT_SAMPLE));
  const chosen = evenSample(paths.length, sample).map((i) => paths[i]);
  const left = [...skipped];
  const perPhoto: PhotoProfile[] = [];
  // One photo at a time: each is decoded whole (a camera photo is ~36 MB of pixels), and the estimators are CPU-bound.
  for (const [done, path] of chosen.entries()) {
    if (options.signal?.aborted) throw new SrError('CANCELLED', 'Profiling was cancelled');
    try {
      perPhoto.push(await profilePhoto(path));
    } catch (error) {
      left.push({ path, reason: reasonOf(error, path) });
    }
    options.onProgress?.(done + 1, chosen.length);
  }
  if (perPhoto.length === 0) {
    // The first photo that failed, in the order read: `left` begins with the files the caller skipped before reading.
    const firstFailed = left[skipped.length];
    throw new SrError(
      'NO_IMAGES',
      `None of the ${chosen.length} photo(s) read could be profiled (first: ${firstFailed.path}: ${firstFailed.reason})`,
      'Check that the files are photos that open in an image viewer.',
    );
  }
  return {
    photos: { found: paths.length, read: chosen.length, profiled: perPhoto.length, skipped: left },
    ...summarise(perPhoto),
    perPhoto,
  };
}
