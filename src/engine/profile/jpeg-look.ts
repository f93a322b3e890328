import type { JpegSpec } from '../degrade/jpeg.ts';

/** The JPEG a photo went through, as the degradation pipeline can make it (null: lossless). */
export type JpegLook = JpegSpec | null;
