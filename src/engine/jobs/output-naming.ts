import path from 'node:path';
import { HEIC_FILE_SUFFIXES } from '../../shared/photo-extensions.ts';
import { SrError } from '../errors.ts';
import type { FormatChoice, OutputFormat } from './upscale-request.ts';

/** Extensions that already name each output format; the first is the one we write when we pick. */
const EXTENSIONS: Record<OutputFormat, readonly string[]> = {
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg', '.jpe', '.jfif'],
  webp: ['.webp'],
  avif: ['.avif'],
  tiff: ['.tiff', '.tif'],
};

const PLACEHOLDERS = ['name', 'scale', 'ext', 'model'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
export type NameValues = Record<Placeholder, string>;

/**
 * The encodable format an input keeps under `--format keep`: its own, a HEIC photo's nearest (JPEG: a PNG of an upscaled
 * phone photo is 3–5 times larger), and png for the rest we cannot write (gif).
 */
export function keptFormat(inputPath: string): OutputFormat {
  const ext = path.extname(inputPath).toLowerCase();
  for (const [format, extensions] of Object.entries(EXTENSIONS) as [OutputFormat, readonly string[]][]) {
    if (extensions.includes(ext)) return format;
  }
  return HEIC_FILE_SUFFIXES.includes(ext) ? 'jpeg' : 'png';
}

/**
 * The format and file extension of an input's output. When the input's extension already names the output format
 * it is kept as written (`IMG_1.JPG` stays `.JPG`, `scan.tif` stays `.tif`), otherwise the usual one is used.
 */
export function outputFormatFor(inputPath: string, choice: FormatChoice): { format: OutputFormat; extension: string } {
  const format = choice === 'keep' ? keptFormat(inputPath) : choice;
  const inputExt = path.extname(inputPath);
  const extension = EXTENSIONS[format].includes(inputExt.toLowerCase()) ? inputExt : EXTENSIONS[format][0];
  return { format, extension };
}

/**
 * Checks a naming template before any work starts. Placeholders: {name} (input file name without extension),
 * {scale} ("2", or "w1920"/"h1080"), {ext} (input extension without the dot), {model} (model id).
 * The output extension is added after the template, from the output format.
 */
export function validateNameTemplate(template: string): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1])
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Unknown placeholder {${unknown[0]}} in the name template "${template}"`,
      `Use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}, e.g. --name "{name}_x{scale}".`,
    );
  }
  if (/[/\\]/.test(template) || template.includes('\0')) {
    throw new SrError(
      'BAD_ARGUMENT',
      `The name template "${template}" contains a path separator`,
      'Give a file name only; use -o to choose the folder.',
    );
  }
}

/** Fills a template; the result is a base file name without extension. */
export function renderName(template: string, values: NameValues): string {
  const name = template.replace(/\{(name|scale|ext|model)\}/g, (_m, key: Placeholder) => values[key]);
  // {name} values come from real file names, but {model} could be anything: keep the result a single safe name.
  const safe = name.replace(/[/\\\0]/g, '_').trim();
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

/** The template values for one input. */
export function nameValuesFor(inputPath: string, scale: string, model: string): NameValues {
  const ext = path.extname(inputPath);
  return { name: path.basename(inputPath, ext), scale, ext: ext.replace(/^\./, ''), model };
}

/** `photo_x2.png` → `photo_x2 (2).png`: the suffix goes before the extension so the file still opens. */
export function withCollisionSuffix(fileName: string, n: number, extension: string): string {
  const stem = fileName.slice(0, fileName.length - extension.length);
  return `${stem} (${n})${extension}`;
}
