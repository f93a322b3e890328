import type { PhotosProfile } from './profile-photos.ts';
import type { Spread } from './summarise.ts';

/**
 * A profile in plain words, for the CLI and the Datasets screen, e.g. "Your 120 photos look like JPEGs from a
 * camera or phone: quality about 88 (standard tables), 4:2:0 chroma (colour at half resolution), noise about σ 3
 * (stronger in colour: σ 5), slightly soft (like a blur of σ 0.9), about 12 MP (4000×3000)."
 */

function round1(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}

/** "; most between 82 and 92" when the photos differ noticeably, else nothing. */
function range(spread: Spread, minWidth: number, format: (v: number) => string): string {
  return spread.high - spread.low >= minWidth ? `, most between ${format(spread.low)} and ${format(spread.high)}` : '';
}

const CHROMA_WORDS: Record<string, string> = {
  '4:2:0': '4:2:0 chroma (colour at half resolution)',
  '4:2:2': '4:2:2 chroma (colour at half width)',
  '4:4:4': '4:4:4 chroma (full-resolution colour)',
  grey: 'greyscale',
};

function jpegWords(profile: PhotosProfile): string[] {
  const { jpeg } = profile;
  if (!jpeg) return [];
  const tables =
    jpeg.standardTables === jpeg.photos
      ? 'standard tables'
      : jpeg.standardTables === 0
        ? 'the camera’s or editor’s own tables, so this is the nearest standard quality'
        : `${jpeg.photos - jpeg.standardTables} of ${jpeg.photos} with their own tables`;
  const words = [`quality about ${Math.round(jpeg.quality.median)} (${tables}${range(jpeg.quality, 6, (v) => String(Math.round(v)))})`];
  const [common] = Object.entries(jpeg.subsampling).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (common) words.push(CHROMA_WORDS[common[0]] ?? `${common[0]} chroma`);
  return words;
}

function noiseWords(profile: PhotosProfile): string[] {
  const { noise } = profile;
  if (!noise) return ['noise not measurable (no smooth areas)'];
  const luma = noise.luma.median;
  const colour = noise.colour.median;
  const masked = Math.max(0.5, noise.lumaHidden);
  if (luma <= masked && colour <= Math.max(0.5, noise.colourHidden)) {
    return masked > 0.5
      ? [`little visible noise (at most about σ ${round1(masked)}: below that it cannot be told from texture and JPEG artefacts)`]
      : ['no visible noise'];
  }
  const stronger = colour > 1.3 * luma ? ` (stronger in colour: σ ${round1(colour)})` : '';
  return [`noise about σ ${round1(luma)}${stronger}${range(noise.luma, Math.max(1, luma * 0.5), round1)}`];
}

function blurWords(profile: PhotosProfile): string[] {
  const { blur } = profile;
  if (!blur) return ['sharpness not measurable (too few clear edges)'];
  const sigma = blur.sigma.median;
  return [blur.sharpness === 'sharp' ? 'sharp' : `${blur.sharpness} (like a blur of σ ${sigma.toFixed(1)})`];
}

export function describeProfile(profile: PhotosProfile): string {
  const { photos, jpeg, size } = profile;
  const count = photos.found === 1 ? 'Your photo' : `Your ${photos.found} photos`;
  const sampled = photos.read < photos.found ? ` (judged from ${photos.profiled} of them)` : '';
  const others = jpeg && jpeg.photos < photos.profiled ? ` (${photos.profiled - jpeg.photos} of ${photos.profiled} read are lossless)` : '';
  const lead = jpeg && jpeg.photos * 2 >= photos.profiled ? `look like JPEGs from a camera or phone${others}` : 'are lossless (not JPEGs)';
  const megapixels = size.megapixels.median;
  const sizeWords = `about ${megapixels >= 1 ? `${round1(megapixels)} MP` : `${(megapixels * 1000).toFixed(0)} thousand pixels`} (${size.width}×${size.height})`;
  const parts = [...jpegWords(profile), ...noiseWords(profile), ...blurWords(profile), sizeWords];
  return `${count}${sampled} ${lead}: ${parts.join(', ')}.`;
}
