import { BICUBIC_REACH } from '../imaging/bicubic-phases.ts';

// What the callers of the photo graph (ycbcr-graph.ts) need to know about it without loading its builder: a batch whose
// graph is cached never builds one.

/** LR pixels each side that the photo graph's bicubic reads beyond the pixels it upsamples: its windows' crop. */
export const YCBCR_GRAPH_CROP = BICUBIC_REACH;

/**
 * The version of the graph `ycbcrPhotoGraph` builds. Built graphs are kept across runs (photo-graph-cache.ts), so any
 * change to what it builds needs a new number; test/engine/upscale/photo-graph-cache.test.ts pins the bytes it builds
 * for the tiny models with this number, and fails until both are updated together.
 */
export const PHOTO_GRAPH_VERSION = 2;
