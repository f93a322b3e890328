import type { JpegSpec } from '../degrade/jpeg.ts';
import { decodePhoto } from '../imaging/decode.ts';
import { formatName, readHeader } from '../imaging/header.ts';
import { checkSourceFile } from '../imaging/source-file.ts';
import { analysisTiles } from './analysis-tiles.ts';
import { blurTable, hiddenNoise, invert, type JpegLook, lookUp, noiseFromReading, noiseTables } from './calibration.ts';
import { measureBlur } from './edge-blur.ts';
import { chromaSubsampling, JpegHeaderError, readJpegHeader, type Subsampling } from './jpeg-header.ts';
import { estimateQuality } from './jpeg-quality.ts';
import { measureNoise } from './noise-level.ts';
import { type NoiseReading, noiseReading, withoutShare } from './noise-reading.ts';

/** What one photo's file and pixels say about how it was made. Noise σ in 8-bit levels; blur σ in its own pixels. */
export interface PhotoProfile {
  path: string;
  format: string;
  width: number;
  height: number;
  /** Null for a photo that is not a JPEG (PNG, TIFF, WebP…): no quantisation tables to read. */
  jpeg: {
    quality: number;
    standardTables: boolean;
    /** RMS distance from libjpeg's tables at `quality`, in quantisation steps (0 for libjpeg's own). */
    tableError: number;
    subsampling: Subsampling;
    progressive: boolean;
  } | null;
  /** Null when the photo has too few smooth, unclipped areas to measure noise in. */
  noise: {
    /** σ of the brightness (luma) noise before the JPEG: grey grain, plus colour noise's share of brightness. */
    luma: number;
    /** σ per RGB channel of colour noise before the JPEG (the blotches of a phone's shadows). */
    colour: number;
    /**
     * Noise below these σ cannot be told apart: what this photo's JPEG would hide on a smooth scene, or what its
     * texture (with the JPEG's ringing on it) reads like, whichever is more. 0 for a smooth lossless photo.
     */
    lumaHidden: number;
    colourHidden: number;
    /** The readings in the decoded pixels, less the texture's (Immerkær σ on Y, and on Cb and Cr at half resolution). */
    measured: { y: number; cb: number; cr: number };
  } | null;
  /** Null when the photo has too few clear edges (flat, dark or very noisy). */
  blur: {
    /** The Gaussian blur σ (pixels) that a sharp image needs to look this soft. */
    sigma: number;
    /** The raw median gradient ratio at edges. */
    ratio: number;
    edges: number;
  } | null;
}

/** Colour noise of σ per RGB channel adds this much σ to JPEG's luma (√(0.299² + 0.587² + 0.114²)). */
export const COLOUR_NOISE_IN_LUMA = Math.hypot(0.299, 0.587, 0.114);

/** The JPEG the degradation pipeline can make that is closest to a file's. */
export function jpegLookOf(jpeg: PhotoProfile['jpeg']): JpegLook {
  if (!jpeg) return null;
  const chroma: JpegSpec['chroma'] = jpeg.subsampling === '4:4:4' || jpeg.subsampling === 'grey' ? '4:4:4' : '4:2:0';
  return { quality: jpeg.quality, chroma };
}

/** Estimates carry no more digits than they can mean. */
function round(value: number, digits: number): number {
  const unit = 10 ** digits;
  return Math.round(value * unit) / unit;
}

async function jpegFacts(path: string): Promise<PhotoProfile['jpeg']> {
  const header = await readJpegHeader(path);
  const quality = estimateQuality(header);
  if (!quality) throw new JpegHeaderError('its frame names a quantisation table the file does not have');
  return {
    ...quality,
    tableError: round(quality.tableError, 3),
    subsampling: chromaSubsampling(header.components),
    progressive: header.progressive,
  };
}

/** A noise reading as σ before the JPEG, through the calibration tables of the photo's JPEG setting. */
async function noiseFrom({ noise: raw, texture }: NoiseReading, look: JpegLook): Promise<NonNullable<PhotoProfile['noise']>> {
  const tables = await noiseTables(look);
  const colour = noiseFromReading(tables.colour, (raw.cb + raw.cr) / 2);
  const luma = Math.max(noiseFromReading(tables.luma, raw.y), COLOUR_NOISE_IN_LUMA * colour);
  // The texture reference also keeps a blurred share of the noise: what a smooth scene with this noise gives it.
  const lumaTexture = withoutShare(texture.y, lookUp(tables.lumaReference, luma));
  const colourTexture = withoutShare((texture.cb + texture.cr) / 2, lookUp(tables.colourReference, colour));
  return {
    luma: round(luma, 2),
    colour: round(colour, 2),
    // What the JPEG hides on a smooth scene, or what this photo's texture reads like, whichever is more.
    lumaHidden: round(Math.max(hiddenNoise(tables.luma), noiseFromReading(tables.luma, lumaTexture)), 2),
    colourHidden: round(Math.max(hiddenNoise(tables.colour), noiseFromReading(tables.colour, colourTexture)), 2),
    measured: { y: round(raw.y, 3), cb: round(raw.cb, 3), cr: round(raw.cr, 3) },
  };
}

/**
 * Profiles one photo: its JPEG header (if it is one), then its pixels (as stored, not rotated). Throws an SrError
 * naming the file, or a JpegHeaderError saying what is wrong with its header, when it cannot be read; the caller
 * skips it with that reason.
 */
export async function profilePhoto(path: string): Promise<PhotoProfile> {
  // First, so an empty, missing or unreadable file is named as such rather than as "not an image" by the header read.
  await checkSourceFile(path);
  const header = await readHeader(path, path);
  const format = formatName(header);
  const jpeg = format === 'jpeg' ? await jpegFacts(path) : null;
  const { image } = await decodePhoto(path, { autoOrient: false });
  const tiles = analysisTiles(image);
  const look = jpegLookOf(jpeg);

  const reading = await noiseReading(image, tiles, look);
  const noise = reading ? await noiseFrom(reading, look) : null;

  // The blur measurement allows for the noise the pixels show (before the texture correction).
  const edges = measureBlur(tiles, measureNoise(tiles)?.y ?? 0);
  const blur = edges
    ? {
        sigma: round(invert(await blurTable(noise?.luma ?? 0, look), edges.ratio, 'decreasing'), 2),
        ratio: round(edges.ratio, 4),
        edges: edges.edges,
      }
    : null;
  return { path, format, width: image.width, height: image.height, jpeg, noise, blur };
}
