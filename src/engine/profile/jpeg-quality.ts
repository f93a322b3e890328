import type { JpegHeader } from './jpeg-header.ts';

/**
 * JPEG quality from the quantisation tables, on libjpeg's 1–100 scale. libjpeg (and everything built on it: sharp,
 * ImageMagick, GIMP, most cameras' "IJG mode") makes its tables by scaling the JPEG standard's example tables
 * (Annex K) by a factor that depends on the quality, so the quality whose scaled tables are nearest to a file's
 * tables is the quality it was saved at. Phones and editors often use tables of their own: then there is no exact
 * match, and the nearest quality is an equivalent, flagged as such (ImageMagick's "approximate").
 */

/** Annex K.1: the luminance table, natural (row-major) order. */
const LUMA_BASE = Uint16Array.from([
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]);

/** Annex K.2: the chrominance table, natural order. */
const CHROMA_BASE = Uint16Array.from([
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
]);

/** libjpeg's jpeg_quality_scaling (jcparam.c): the percentage the base tables are scaled by. */
export function qualityScaling(quality: number): number {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  return q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
}

/** libjpeg's jpeg_add_quant_table with force_baseline: (base·S + 50) / 100 in integers, clamped to [1, 255]. */
export function ijgTable(base: 'luma' | 'chroma', quality: number): Uint16Array {
  const scale = qualityScaling(quality);
  const source = base === 'luma' ? LUMA_BASE : CHROMA_BASE;
  return source.map((b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
}

const IJG = Array.from({ length: 101 }, (_, q) => (q === 0 ? null : { luma: ijgTable('luma', q), chroma: ijgTable('chroma', q) }));

export interface QualityEstimate {
  /** The libjpeg quality (1–100) whose tables are nearest (least squared error). */
  quality: number;
  /** True when the file's tables are exactly libjpeg's at that quality. */
  standardTables: boolean;
  /** Root-mean-square difference between the file's tables and libjpeg's at `quality`, in quantisation steps. */
  tableError: number;
}

/** The tables a frame uses: its first component's (luma) and, for colour, its second component's (chroma). */
function frameTables(header: JpegHeader): { luma: Uint16Array; chroma: Uint16Array | undefined } | undefined {
  const [y, c] = header.components;
  const luma = y ? header.tables.get(y.table) : undefined;
  if (!luma) return undefined;
  return { luma, chroma: c ? header.tables.get(c.table) : undefined };
}

function squaredError(a: Uint16Array, b: Uint16Array): number {
  let sum = 0;
  for (let i = 0; i < 64; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

/** Estimates the quality a JPEG was saved at from its header; undefined when its frame names no table it has. */
export function estimateQuality(header: JpegHeader): QualityEstimate | undefined {
  const tables = frameTables(header);
  if (!tables) return undefined;
  let best = { quality: 0, error: Number.POSITIVE_INFINITY };
  for (let q = 1; q <= 100; q++) {
    const ijg = IJG[q]!;
    let error = squaredError(tables.luma, ijg.luma);
    if (tables.chroma) error += squaredError(tables.chroma, ijg.chroma);
    // Ties go to the higher quality: near 100 several qualities can share a table.
    if (error <= best.error) best = { quality: q, error };
  }
  const count = tables.chroma ? 128 : 64;
  return { quality: best.quality, standardTables: best.error === 0, tableError: Math.sqrt(best.error / count) };
}
