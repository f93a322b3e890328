import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fromFsError, SrError } from '../errors.ts';
import type { EvalDegradation } from '../eval/protocol.ts';
import { describeRecipeIssue, type Recipe, RecipeSchema } from './recipe.ts';

/**
 * The named recipes. Their ranges are documented, with why, in docs/degradation.md; change both together.
 * - clean: the SR protocol itself (MATLAB bicubic, nothing else): today's benchmarks, bit for bit.
 * - photo: phone and camera JPEGs: lens and demosaicing blur, sensor noise, one JPEG at the camera's quality.
 * - heavy: photos that went through more hands: old, scanned, resized and recompressed for the web (two stages).
 */
export const PRESET_NAMES = ['clean', 'photo', 'heavy'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const PRESETS: Record<PresetName, unknown> = {
  clean: {
    version: 1,
    name: 'clean',
    description: 'The SR protocol: MATLAB bicubic downscaling, nothing else.',
    stages: [{ resize: { filters: ['bicubic'], factor: [1, 1] } }],
  },
  photo: {
    version: 1,
    name: 'photo',
    description: 'Phone and camera JPEGs: lens and demosaicing blur, sensor noise, one JPEG.',
    stages: [
      {
        // Blur and noise are off for a quarter of the photos each: modern phones sharpen, and a model that always
        // expects blur over-sharpens a clean input (measured: 1 dB below bicubic on the clean protocol at p 0.9).
        blur: {
          p: 0.75,
          kernels: { gaussian: 0.75, generalized: 0.1, plateau: 0.1, sinc: 0.05 },
          sigma: [0.2, 2.5],
          anisotropic: 0.3,
          beta: [0.5, 4],
          plateauBeta: [1, 2],
          sincCutoff: [Math.PI / 2, Math.PI],
        },
        resize: { filters: ['bicubic', 'bilinear', 'area'], factor: [0.85, 1.15] },
        noise: { p: 0.75, gaussian: 0.7, sigma: [0, 10], poisson: [0.05, 0.8], grey: 0.4 },
        jpeg: { p: 0.95, quality: [50, 95], chroma: { '4:2:0': 0.85, '4:4:4': 0.15 } },
      },
    ],
    target: { jpegSourceDownscale: 2 },
  },
  heavy: {
    version: 1,
    name: 'heavy',
    description: 'Web-recompressed, old or scanned photos: two rounds of blur, resizing, noise and JPEG.',
    stages: [
      {
        blur: {
          p: 1,
          kernels: { gaussian: 0.7, generalized: 0.15, plateau: 0.05, sinc: 0.1 },
          sigma: [0.2, 3],
          anisotropic: 0.4,
          beta: [0.5, 4],
          plateauBeta: [1, 2],
          sincCutoff: [Math.PI / 3, Math.PI],
        },
        resize: { filters: ['bicubic', 'bilinear', 'area'], factor: [0.6, 1.4] },
        noise: { p: 1, gaussian: 0.6, sigma: [1, 20], poisson: [0.05, 2], grey: 0.4 },
        jpeg: { p: 1, quality: [40, 95], chroma: { '4:2:0': 0.9, '4:4:4': 0.1 } },
      },
      {
        p: 0.6,
        blur: { p: 0.8, kernels: { gaussian: 0.8, generalized: 0.1, plateau: 0.1 }, sigma: [0.2, 1.5], anisotropic: 0.4 },
        resize: { filters: ['bicubic', 'bilinear', 'area'], factor: [0.85, 1.15] },
        noise: { p: 0.8, gaussian: 0.6, sigma: [1, 12], poisson: [0.05, 1.5], grey: 0.4 },
        jpeg: { p: 1, quality: [40, 95], chroma: { '4:2:0': 1, '4:4:4': 0 } },
      },
    ],
    target: { jpegSourceDownscale: 2 },
  },
};

/** A recipe with the name runs, cards and results show for it. */
export interface Degradation {
  /** A preset's name, or the recipe's own name (else its file's name). */
  name: string;
  recipe: Recipe;
}

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}

export function preset(name: PresetName): Degradation {
  return { name, recipe: RecipeSchema.parse(PRESETS[name]) };
}

/** Whether a recipe is exactly the protocol's degradation, which has its own (bit-identical, cached) code path. */
export function isClean(recipe: Recipe): boolean {
  if (recipe.stages.length !== 1) return false;
  const [stage] = recipe.stages;
  const { filters, factor } = stage.resize;
  return (
    stage.blur === undefined &&
    stage.noise === undefined &&
    stage.jpeg === undefined &&
    filters.length > 0 &&
    filters.every((f) => f === 'bicubic') &&
    factor[0] === 1 &&
    factor[1] === 1
  );
}

/**
 * A degradation and its seed as an evaluation runs them: null for a recipe that is exactly the protocol, which
 * evaluations run by the protocol's own bit-identical path and record as no degradation.
 */
export function seededDegradation({ name, recipe }: Degradation, seed: number): EvalDegradation | null {
  return isClean(recipe) ? null : { name, recipe, seed };
}

const HINT = `Use ${PRESET_NAMES.join(', ')} or a recipe JSON file (docs/degradation.md describes the format).`;

/** Validates a recipe given as JSON data (a stored run's, or a file's); `source` names it in errors. */
export function parseRecipe(raw: unknown, source: string): Recipe {
  const parsed = RecipeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SrError('BAD_ARGUMENT', `The degradation recipe ${source} is invalid at ${describeRecipeIssue(parsed.error)}`, HINT, source);
  }
  return parsed.data;
}

/** `clean`, `photo`, `heavy`, or the path of a recipe JSON file. */
export async function resolveDegradation(spec: string): Promise<Degradation> {
  const text = spec.trim();
  if (isPresetName(text)) return preset(text);
  if (!/\.json$/i.test(text)) throw new SrError('BAD_ARGUMENT', `Unknown degradation '${text}'`, HINT);
  let body: string;
  try {
    body = await readFile(text, 'utf8');
  } catch (error) {
    throw fromFsError(error, text, 'read');
  }
  if (body.trim() === '') throw new SrError('BAD_ARGUMENT', `The degradation recipe ${text} is empty`, HINT, text);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new SrError('BAD_ARGUMENT', `The degradation recipe ${text} is not valid JSON: ${(error as Error).message}`, HINT, text);
  }
  const recipe = parseRecipe(raw, text);
  return { name: recipe.name ?? basename(text, '.json'), recipe };
}
