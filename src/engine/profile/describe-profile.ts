import { LOSSY_PHOTO_FORMATS } from '../imaging/header.ts';
import type { PhotosProfile } from './profile-photos.ts';
import type { Spread } from './summarise.ts';

/**
 * A profile in plain words, for the CLI and the Datasets screen, e.g. "Your 120 photos look like JPEGs from a
 * camera or phone: quality about 88 (standard tables), 4:2:0 chroma (colour at half resolution), noise about σ 3
 * (stronger in colour: σ 5), slightly soft (like a blur of σ 0.9), about 12 MP (4000×3000)." A mixed set says how
 * many of each: "Of your 25 photos, 13 are lossless and 12 are JPEGs. The JPEGs: quality about 90 …. All of them: …". HEIC and
 * AVIF photos are named as such: lossy, but with no JPEG tables to read.
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

/**
 * The photos the summary speaks of: only those profiled (a file that could not be read is listed as skipped, never
 * counted as a photo), and, when only a sample was read, how many of how many.
 */
function subject(photos: PhotosProfile['photos']): { words: string; one: boolean } {
  if (photos.read < photos.found) return { words: `photos (judged from ${photos.profiled} of the ${photos.found} found)`, one: false };
  return photos.profiled === 1 ? { words: 'photo', one: true } : { words: `${photos.profiled} photos`, one: false };
}

/** "2 are HEIC", "1 is lossless": a count of one kind of photo, as part of a sentence. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeProfile(profile: PhotosProfile): string {
  const { photos, size } = profile;
  const { words, one } = subject(photos);
  const others = profile.perPhoto.filter((p) => !p.jpeg);
  const jpegs = profile.perPhoto.length - others.length;
  // HEIC (iPhones) and AVIF are lossy too, but not JPEGs: their compression is not measured, and the recipe adds none.
  const lossyOthers = others.filter((p) => LOSSY_PHOTO_FORMATS.has(p.format));
  const lossyFormats = [...new Set(lossyOthers.map((p) => p.format.toUpperCase()))];
  const lossy = lossyOthers.length;
  const lossless = others.length - lossy;
  const codecs = lossyFormats.join(' or ');
  const megapixels = size.megapixels.median;
  const sizeWords = `about ${megapixels >= 1 ? `${round1(megapixels)} MP` : `${(megapixels * 1000).toFixed(0)} thousand pixels`} (${size.width}×${size.height})`;
  const common = [...noiseWords(profile), ...blurWords(profile), sizeWords].join(', ');
  if (others.length === 0) {
    return `Your ${words} ${one ? 'looks like a JPEG' : 'look like JPEGs'} from a camera or phone: ${[...jpegWords(profile), common].join(', ')}.`;
  }
  if (jpegs === 0 && lossy === 0) return `Your ${words} ${one ? 'is lossless (not a JPEG)' : 'are lossless (not JPEGs)'}: ${common}.`;
  const unmeasured = `${codecs} compression is not measured, and the recipe adds none`;
  if (jpegs === 0 && lossless === 0) return `Your ${words} ${one ? 'is' : 'are'} ${codecs} (lossy, not JPEG: ${unmeasured}): ${common}.`;
  // A mix: the JPEG numbers describe the JPEGs only, so they are said of them, and each kind is counted, the largest first.
  const kinds = [
    { n: jpegs, text: count(jpegs, 'is a JPEG', 'are JPEGs') },
    { n: lossy, text: count(lossy, `is ${codecs}`, `are ${codecs}`) },
    { n: lossless, text: count(lossless, 'is lossless', 'are lossless') },
  ]
    .filter((kind) => kind.n > 0)
    .sort((a, b) => b.n - a.n)
    .map((kind) => kind.text);
  const counts = kinds.length > 2 ? `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}` : kinds.join(' and ');
  const jpegPart = jpegs === 0 ? '' : ` ${jpegs === 1 ? 'The JPEG' : 'The JPEGs'}: ${jpegWords(profile).join(', ')}.`;
  const lossyPart = lossy === 0 ? '' : ` (${unmeasured}.)`;
  return `Of your ${words}, ${counts}.${jpegPart}${lossyPart} All of them: ${common}.`;
}
