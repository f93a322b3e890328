import { jpegRoundTrip } from '../degrade/jpeg.ts';
import { addNoise } from '../degrade/noise.ts';
import { resizePlanes } from '../degrade/pipeline.ts';
import { planesToImage, type RgbPlanes } from '../degrade/planes.ts';
import type { RgbImage } from '../imaging/image.ts';
import { Rng, Stream } from '../seeded-random.ts';
import { analysisTiles } from './analysis-tiles.ts';
import { calibrationScene } from './calibration-scene.ts';
import { measureBlur } from './edge-blur.ts';
import { gaussianBlur } from './gaussian-blur.ts';
import { measureNoise } from './noise-level.ts';
import { type NoiseReading, noiseReading } from './noise-reading.ts';

/**
 * Calibration by synthesis: the raw measurements are mapped back to the settings that produce them by running the
 * engine's own degradation steps (Gaussian blur, Gaussian noise, a real libjpeg round trip through sharp) on a
 * synthetic scene at known settings and measuring the results the same way as a photo. This corrects what the
 * estimators cannot see by themselves: JPEG removes most of the fine-grained noise (a σ 3 noise at quality 85
 * reads about 0.5), and noise and JPEG change how sharp edges look. Tables are built on first use for each JPEG
 * setting a profile meets (a second or a few each on a 2-core machine) and kept for the life of the process.
 */

const SCENE_SIZE = 320;
/** σ values the noise tables are measured at (8-bit levels). */
const NOISE_GRID = [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30];
/** Gaussian blur σ values the blur tables are measured at (pixels). */
const BLUR_GRID = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];
/** Luma noise levels the blur tables are built for; a photo uses the nearest. */
const BLUR_NOISE_LEVELS = [0, 1, 2, 3, 4, 6, 8, 11, 15, 20];

import type { JpegLook } from './jpeg-look.ts';

export type { JpegLook };

/** A measured value against the setting that produced it, sorted by the setting. */
export interface CalibrationTable {
  truth: number[];
  measured: number[];
}

let scene: RgbPlanes | undefined;

function sceneCopy(): RgbPlanes {
  scene ??= calibrationScene(SCENE_SIZE, SCENE_SIZE);
  return { ...scene, planes: scene.planes.map((p) => p.slice()) as RgbPlanes['planes'] };
}

interface Look {
  blur: number;
  noise: number;
  /** Grey (luma-only) noise, or independent noise per RGB channel. */
  grey: boolean;
  jpeg: JpegLook;
}

/** The scene degraded by `look`, as a photo. */
async function degradedScene(look: Look): Promise<RgbImage> {
  let image = gaussianBlur(sceneCopy(), look.blur);
  if (look.noise > 0)
    addNoise(image, { kind: 'gaussian', sigma: look.noise, grey: look.grey }, Rng.keyed(1, Stream.degrade, look.noise * 1000));
  if (look.jpeg) image = await jpegRoundTrip(image, look.jpeg);
  return planesToImage(image);
}

/** A degraded scene's noise reading, taken exactly as a photo's. */
async function noiseOf(look: Look): Promise<NoiseReading> {
  const image = await degradedScene(look);
  const reading = await noiseReading(image, analysisTiles(image), look.jpeg);
  if (!reading) throw new Error('the calibration scene has too few flat blocks');
  return reading;
}

const cache = new Map<string, Promise<unknown>>();

function cached<T>(key: string, build: () => Promise<T>): Promise<T> {
  let entry = cache.get(key) as Promise<T> | undefined;
  if (!entry) {
    entry = build();
    cache.set(key, entry);
  }
  return entry;
}

function jpegKey(jpeg: JpegLook): string {
  return jpeg ? `${jpeg.quality}/${jpeg.chroma}` : 'lossless';
}

/**
 * For one JPEG setting: the noise reading against grey noise σ (luma) and against per-channel colour noise σ
 * (chroma), and what the texture reference reads on a scene with no texture at all, which is the blurred noise
 * itself (`lumaReference`, `colourReference`), so that a photo's texture can be told from its own noise.
 */
export interface NoiseTables {
  luma: CalibrationTable;
  colour: CalibrationTable;
  lumaReference: CalibrationTable;
  colourReference: CalibrationTable;
}

export function noiseTables(jpeg: JpegLook): Promise<NoiseTables> {
  return cached(`noise ${jpegKey(jpeg)}`, async () => {
    const tables: NoiseTables = {
      luma: { truth: NOISE_GRID, measured: [] },
      colour: { truth: NOISE_GRID, measured: [] },
      lumaReference: { truth: NOISE_GRID, measured: [] },
      colourReference: { truth: NOISE_GRID, measured: [] },
    };
    for (const sigma of NOISE_GRID) {
      const grey = await noiseOf({ blur: 0, noise: sigma, grey: true, jpeg });
      tables.luma.measured.push(grey.noise.y);
      tables.lumaReference.measured.push(grey.texture.y);
      const colour = await noiseOf({ blur: 0, noise: sigma, grey: false, jpeg });
      tables.colour.measured.push((colour.noise.cb + colour.noise.cr) / 2);
      tables.colourReference.measured.push((colour.texture.cb + colour.texture.cr) / 2);
    }
    return tables;
  });
}

/** The measurement a table gives at `setting`, by linear interpolation (the last value beyond the table). */
export function lookUp(table: CalibrationTable, setting: number): number {
  const { truth, measured } = table;
  for (let k = 1; k < truth.length; k++) {
    if (truth[k] >= setting)
      return measured[k - 1] + ((measured[k] - measured[k - 1]) * (setting - truth[k - 1])) / (truth[k] - truth[k - 1]);
  }
  return measured[measured.length - 1];
}

function nearest(levels: readonly number[], value: number): number {
  return levels.reduce((best, level) => (Math.abs(level - value) < Math.abs(best - value) ? level : best));
}

/**
 * Measured edge ratio against Gaussian blur σ, for a photo whose luma noise (before its JPEG) is `lumaNoise`: the
 * table of the nearest tabulated noise level.
 */
export function blurTable(lumaNoise: number, jpeg: JpegLook): Promise<CalibrationTable> {
  const noise = nearest(BLUR_NOISE_LEVELS, lumaNoise);
  return cached(`blur ${noise} ${jpegKey(jpeg)}`, async () => {
    const table: CalibrationTable = { truth: BLUR_GRID, measured: [] };
    for (const blur of BLUR_GRID) {
      const tiles = analysisTiles(await degradedScene({ blur, noise, grey: true, jpeg }));
      // The same noise reading a photo's blur measurement gets.
      const measured = measureBlur(tiles, measureNoise(tiles)?.y ?? 0);
      // A scene too noisy to show edges at this blur reads as having none left: the flattest possible ratio.
      table.measured.push(measured?.ratio ?? 1);
    }
    return table;
  });
}

/**
 * The Gaussian σ (in low-resolution pixels) that the benchmark protocol's own downscale looks like: a sharp
 * original, shrunk `scale`× by MATLAB bicubic, measured and read through the lossless blur table. A photo only needs
 * the blur beyond this added to its originals (in quadrature) to look like it after the same downscale.
 */
export function protocolBlur(scale: number): Promise<number> {
  return cached(`protocol ${scale}`, async () => {
    const side = SCENE_SIZE * scale;
    const small = resizePlanes(calibrationScene(side, side), SCENE_SIZE, SCENE_SIZE, 'bicubic');
    const tiles = analysisTiles(planesToImage(small));
    const measured = measureBlur(tiles, 0);
    if (!measured) throw new Error('the calibration scene has too few edges');
    return invert(await blurTable(0, null), measured.ratio, 'decreasing');
  });
}

/**
 * The setting whose measurement equals `value`, by linear interpolation in a table made monotone (a running maximum
 * for rising tables, minimum for falling ones, so a plateau maps to its lowest setting). Past the last entry it
 * extends the last segment's slope.
 */
export function invert(table: CalibrationTable, value: number, direction: 'increasing' | 'decreasing'): number {
  const sign = direction === 'increasing' ? 1 : -1;
  const measured: number[] = [];
  for (const m of table.measured) measured.push(Math.max(sign * m, measured.at(-1) ?? Number.NEGATIVE_INFINITY));
  const target = sign * value;
  const { truth } = table;
  if (target <= measured[0]) return truth[0];
  for (let k = 1; k < measured.length; k++) {
    if (measured[k] >= target) {
      const span = measured[k] - measured[k - 1];
      return span > 0 ? truth[k - 1] + ((truth[k] - truth[k - 1]) * (target - measured[k - 1])) / span : truth[k - 1];
    }
  }
  const n = measured.length - 1;
  const span = measured[n] - measured[n - 1];
  return span > 0 ? truth[n] + ((truth[n] - truth[n - 1]) * (target - measured[n])) / span : truth[n];
}

/** A noise must raise the reading this far above a noise-free image's (0.1 level, or a quarter of it) to be seen. */
function detectionFloor(table: CalibrationTable): number {
  return table.measured[0] + Math.max(0.1, 0.25 * table.measured[0]);
}

/** The largest noise σ a JPEG hides: below it, the reading does not rise clearly above a noise-free image's. */
export function hiddenNoise(table: CalibrationTable): number {
  const k = table.measured.findIndex((m) => m >= detectionFloor(table));
  return k < 0 ? table.truth.at(-1)! : k === 0 ? 0 : table.truth[k - 1];
}

/** The noise σ a reading stands for: 0 when it is within what a noise-free image reads, else by `invert`. */
export function noiseFromReading(table: CalibrationTable, reading: number): number {
  return reading < detectionFloor(table) ? 0 : invert(table, reading, 'increasing');
}
