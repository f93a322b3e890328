/**
 * The file extensions of the photos SR Studio reads (without the dot): the formats the bundled libvips decodes, and
 * HEIC, which libheif decodes (engine/imaging/heic.ts). Shared so that a batch's discovery and the app's file pickers
 * offer the same ones.
 */
export const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'avif', 'tif', 'tiff', 'gif', 'heic', 'heif', 'hif'] as const;
