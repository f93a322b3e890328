/**
 * The file extensions of the photos SR Studio reads (without the dot): the formats the bundled libvips decodes, and
 * HEIC, which libheif decodes (engine/imaging/heic.ts). Shared so that a batch's discovery and the app's file pickers
 * offer the same ones.
 */
export const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'avif', 'tif', 'tiff', 'gif', 'heic', 'heif', 'hif'] as const;

/** Of those, HEIC photos' (with their dot): read through libheif, and never written (nothing here encodes HEVC). */
export const HEIC_FILE_SUFFIXES: readonly string[] = ['.heic', '.heif', '.hif'];

/** The same with their dot ('.jpg'), as file names end. */
export const PHOTO_FILE_SUFFIXES: readonly string[] = PHOTO_EXTENSIONS.map((ext) => `.${ext}`);

/** Of those, the ones a browser (and Electron's Chromium) shows as they are: not TIFF, not HEIC. */
const BROWSER_SHOWN = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'gif', 'avif']);

/** Whether a browser shows this photo file as it is (by its extension); the engine makes a copy of the others. */
export function browserShows(file: string): boolean {
  const dot = file.lastIndexOf('.');
  return dot >= 0 && BROWSER_SHOWN.has(file.slice(dot + 1).toLowerCase());
}
