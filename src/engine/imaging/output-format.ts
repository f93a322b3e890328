/** The formats SR Studio writes; the encoder (encode.ts) and the size limits per format (format-limits.ts) share it. */
export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
