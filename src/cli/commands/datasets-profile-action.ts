import path from 'node:path';
import { SrError } from '../../engine/errors.ts';
import { loadModel } from '../../engine/models/registry.ts';
import {
  defaultRecipePath,
  PROFILE_SCALES,
  type ProfileReport,
  type ProfileSource,
  profileSource,
  recipeFor,
  resolveProfileSource,
  type Spread,
  storeDatasetProfile,
  writeRecipe,
} from '../../engine/profile/index.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { openStore, type Store } from '../../engine/store/store.ts';
import { networkOf } from '../../shared/model-title.ts';
import { nearCleanAdvice, PHOTO_FINE_TUNE, photoFineTunePatch, photoModelId } from '../../shared/photo-fine-tune.ts';
import { printJson } from '../output.ts';

export interface ProfileCliOptions {
  recursive?: boolean;
  sample: string;
  scale: string;
  out?: string;
  json?: boolean;
  state?: string;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new SrError('BAD_ARGUMENT', `${flag} "${text}" is not a whole number ≥ 1`, `Pass e.g. ${flag} 30.`);
  return value;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (!(PROFILE_SCALES as readonly number[]).includes(scale))
    throw new SrError('BAD_ARGUMENT', `--scale "${text}" is not 2, 3 or 4`, 'Pass the scale you will train at.');
  return scale;
}

function spread(s: Spread, digits: number): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median).padStart(6)}   ${f(s.low)}–${f(s.high)}`;
}

/** The numbers behind the words, one estimate a line: median, then where most photos lie (10th–90th percentile). */
function printTable(report: ProfileReport): void {
  const lines = [`${''.padEnd(18)}${'median'.padStart(6)}   most between`];
  const { jpeg, noise, blur, size } = report;
  if (jpeg) {
    const tables = `${jpeg.standardTables} of ${jpeg.photos} with standard tables`;
    lines.push(`${'JPEG quality'.padEnd(18)}${spread(jpeg.quality, 0)}   (${tables})`);
    const chroma = Object.entries(jpeg.subsampling).map(([mode, count]) => `${mode} ×${count}`);
    lines.push(`${'chroma'.padEnd(18)}${chroma.join(', ')}`);
  } else {
    lines.push(`${'JPEG quality'.padEnd(18)}lossless / not a JPEG`);
  }
  if (noise) {
    const masked = (hidden: number) =>
      hidden > 0 ? `   (below ${hidden.toFixed(1)} it cannot be told from texture and JPEG artefacts)` : '';
    lines.push(`${'noise σ, luma'.padEnd(18)}${spread(noise.luma, 1)}${masked(noise.lumaHidden)}`);
    lines.push(`${'noise σ, colour'.padEnd(18)}${spread(noise.colour, 1)}${masked(noise.colourHidden)}`);
  }
  if (blur) lines.push(`${'blur σ (px)'.padEnd(18)}${spread(blur.sigma, 2)}   (${blur.sharpness})`);
  const megapixels = size.megapixels;
  const varied = megapixels.high - megapixels.low >= 0.1 ? `, most ${megapixels.low.toFixed(1)}–${megapixels.high.toFixed(1)} MP` : '';
  lines.push(`${'size'.padEnd(18)}${size.width}×${size.height} (${megapixels.median.toFixed(1)} MP${varied})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function runProfile(ref: string, opts: ProfileCliOptions): Promise<void> {
  const sample = positiveInteger(opts.sample, '--sample');
  const scale = parseScale(opts.scale);
  const stateDir = resolveStateDir(opts.state);
  // A folder needs no store: it is opened only for a data set.
  let store: Store | undefined;
  const openedStore = () => {
    store ??= openStore(stateDir);
    return store;
  };
  try {
    const source = await resolveProfileSource(ref, openedStore, opts.recursive === true);
    const showProgress = !opts.json && process.stderr.isTTY;
    const report = await profileSource(source, openedStore, {
      sample,
      onProgress: showProgress
        ? (done, total) => process.stderr.write(`Reading photos ${done}/${total}${done === total ? '\n' : '\r'}`)
        : undefined,
    });
    const recipe = await recipeFor(report, scale);
    const recipeFile = path.resolve(opts.out ?? defaultRecipePath(stateDir, source, scale));
    await writeRecipe(recipeFile, recipe);
    // A data set's profile is also kept for the Datasets and Train screens.
    if (source.kind === 'dataset') await storeDatasetProfile(stateDir, report);

    if (opts.json) return printJson({ ...report, scale, recipe, recipeFile });
    const { photos } = report;
    // Photos profiled, not files read: one that could not be read is among the skipped, never counted as a photo.
    const sampled = photos.read < photos.found ? ` (an even sample of the ${photos.found} found)` : '';
    const skipped = photos.skipped.length ? `; skipped ${photos.skipped.length} file(s):` : '.';
    process.stdout.write(`Profiled ${photos.profiled} photo(s)${sampled}${skipped}\n`);
    for (const s of photos.skipped) process.stdout.write(`  skipped: ${s.path} — ${s.reason}\n`);
    process.stdout.write(`\n${report.summary}\n\n`);
    printTable(report);
    process.stdout.write(`\nWrote a recipe that matches them, for ×${scale} training: ${recipeFile}\n`);
    process.stdout.write(`${await fineTuneHint(report.source, recipeFile, scale, stateDir)}\n`);
    const advice = nearCleanAdvice(report, scale);
    if (advice) process.stdout.write(`\n${advice}\n`);
  } finally {
    store?.close();
  }
}

/**
 * The command that fine-tunes the bundled photo model of the scale on these photos with the recipe (shared/
 * photo-fine-tune.ts), ready to paste; a plainer line if that model cannot be read.
 */
async function fineTuneHint(source: ProfileSource, recipeFile: string, scale: number, stateDir: string): Promise<string> {
  const id = photoModelId(scale);
  const model = await loadModel(id, { stateDir }).catch(() => undefined);
  if (!model) return `  Train with it: srstudio train --degrade ${recipeFile} --scale ${scale} …`;
  // A data set validates on its own held-out split; a folder on itself (a data set with a split is better).
  const data = source.kind === 'dataset' ? `dataset:${source.id}` : source.path;
  const { steps, batch, learningRate, schedule } = PHOTO_FINE_TUNE;
  const command = [
    `srstudio train --arch ${networkOf(model.meta.architecture, scale)} --scale ${scale} --init ${id}`,
    `--data ${data} --val ${data} --degrade ${recipeFile}`,
    `--steps ${steps} --batch ${batch} --patch ${photoFineTunePatch(scale)} --lr ${learningRate} --schedule ${schedule}`,
  ].join(' ');
  return `  Fine-tune ${id} on them with it (20–30 minutes on 2 cores):\n    ${command}`;
}
