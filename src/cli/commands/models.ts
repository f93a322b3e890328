import type { Command } from 'commander';
import { SrError } from '../../engine/errors.ts';
import { calibrationPhotos } from '../../engine/models/calibration-photos.ts';
import type { LoadedModel } from '../../engine/models/loaded-model.ts';
import type { ModelProblem } from '../../engine/models/registry.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { modelPurpose, modelTitle } from '../../shared/model-title.ts';
import { printJson } from '../output.ts';
import { describeLoss, type QuantizeCliOptions, quantizeAction } from './models-quantize.ts';

interface StateOptions {
  state?: string;
  json?: boolean;
  details?: boolean;
}

interface ImportCliOptions extends StateOptions {
  id?: string;
  name?: string;
  scale?: string;
}

function describeModel(m: LoadedModel, defaults: ReadonlySet<string> = new Set()) {
  const { id, name, architecture, scale, colorMode, inputKind, halo, quantizedFrom, degradation } = m.meta;
  const precision = quantizedFrom?.format ?? 'fp32';
  return {
    id,
    title: modelTitle(m.meta, m.source),
    purpose: modelPurpose(m.meta, m.source),
    default: defaults.has(id),
    name,
    architecture,
    scale,
    colorMode,
    inputKind,
    halo,
    precision,
    quantizedFrom,
    trainedOn: degradation?.name ?? 'clean',
    source: m.source,
    path: m.path,
  };
}

/**
 * The models by scale, named by what they are for, the default first: what a user chooses between. The int8
 * variants are not listed apart (`--precision` picks them), and the architecture is behind `--details`.
 */
function printChoices(models: LoadedModel[], defaults: ReadonlySet<string>): void {
  const choices = models.filter((m) => !m.meta.quantizedFrom);
  if (choices.length === 0) {
    process.stdout.write('No models yet. Import one with `srstudio models import FILE.onnx`, or train one with `srstudio train`.\n');
    return;
  }
  const rank = (m: LoadedModel) => (defaults.has(m.meta.id) ? 0 : m.source === 'builtin' ? 1 : 2);
  const titles = choices.map((m) => modelTitle(m.meta, m.source));
  const width = Math.max(...titles.map((t) => t.length));
  for (const scale of [...new Set(choices.map((m) => m.meta.scale))].sort((a, b) => a - b)) {
    const rows = choices.filter((m) => m.meta.scale === scale).sort((a, b) => rank(a) - rank(b));
    for (const m of rows) {
      const variants = models.filter((v) => v.meta.quantizedFrom?.id === m.meta.id);
      const yours = variants.filter((v) => v.source !== 'builtin').map((v) => v.meta.id);
      const int8 = variants.length > 0 ? `, int8 where it pays${yours.length > 0 ? ` (yours too: ${yours.join(', ')})` : ''}` : '';
      const lead = modelPurpose(m.meta, m.source) === 'photos' ? `recommended: the default for ×${scale}` : `the default for ×${scale}`;
      const note = defaults.has(m.meta.id) ? `${lead}${int8}` : m.source === 'builtin' ? int8.slice(2) : 'your model';
      process.stdout.write(`${modelTitle(m.meta, m.source).padEnd(width)}  ${m.meta.id}${note ? `  · ${note}` : ''}\n`);
    }
  }
  process.stdout.write('\nArchitecture, training and scores: srstudio models --details\n');
}

/** Each quantised model's validation PSNR beside its float32 parent's, measured on the same photos. */
function printQuantised(models: LoadedModel[]): void {
  const quantised = models.filter((m) => m.meta.quantizedFrom);
  if (quantised.length === 0) return;
  process.stdout.write('\nQuantised models (validation PSNR beside the float32 parent, same photos, same run):\n');
  for (const m of quantised) {
    const q = m.meta.quantizedFrom;
    if (!q) continue;
    process.stdout.write(
      `  ${m.meta.id}: ${q.format} of ${q.id}, ${q.psnr.toFixed(2)} dB vs ${q.parentPsnr.toFixed(2)} dB, ${describeLoss(q)}, on ${calibrationPhotos(m)}\n`,
    );
  }
}

function printTable(models: LoadedModel[]): void {
  if (models.length === 0) {
    process.stdout.write('No models yet. Import one with `srstudio models import FILE.onnx`, or train one with `srstudio train`.\n');
    return;
  }
  const header = ['ID', 'NAME', 'ARCH', 'SCALE', 'COLOUR', 'INPUT', 'PRECISION', 'SOURCE', 'PATH'];
  const rows = models.map((m) => [
    m.meta.id,
    m.meta.name,
    m.meta.architecture,
    `×${m.meta.scale}`,
    m.meta.colorMode,
    m.meta.inputKind,
    m.meta.quantizedFrom?.format ?? 'fp32',
    m.source,
    m.path,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) {
    process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}\n`);
  }
}

function parseScale(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const scale = Number(text);
  if (!Number.isInteger(scale) || scale < 2 || scale > 16)
    throw new SrError(
      'BAD_ARGUMENT',
      `--scale must be a whole number from 2 to 16, got "${text}"`,
      'Pass the scale the model was trained for, e.g. --scale 3.',
    );
  return scale;
}

/** `srstudio models` lists; `models import FILE` adds a user model; `models quantize ID` makes an int8 one; `models rm ID` removes one. */
export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('List, import and remove super-resolution models (ONNX)')
    .option('--json', 'print one JSON document')
    .option('--details', 'every model file with its architecture, input, precision and path, and the int8 scores')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the app-data folder)')
    .action(async (opts: StateOptions) => {
      // Engine modules (onnxruntime) load only when a subcommand runs, so `--help` stays fast.
      const { defaultModelFor, listModels } = await import('../../engine/models/registry.ts');
      const problems: ModelProblem[] = [];
      const dirs = { stateDir: resolveStateDir(opts.state) };
      const found = await listModels(dirs, (p) => problems.push(p));
      const scales = [...new Set(found.map((m) => m.meta.scale))];
      const defaults = new Set(
        (await Promise.all(scales.map((s) => defaultModelFor(s, dirs).catch(() => undefined)))).flatMap((m) => (m ? [m.meta.id] : [])),
      );
      if (opts.json) printJson({ models: found.map((m) => describeModel(m, defaults)), problems });
      else {
        if (opts.details) {
          printTable(found);
          printQuantised(found);
        } else printChoices(found, defaults);
        for (const p of problems) process.stderr.write(`srstudio: skipped ${p.path}: ${p.reason}\n`);
      }
    });

  // Commander gives `--json`/`--state` to the parent when they are declared on both: merge them.
  const parentOptions = (): StateOptions => {
    const { json, state } = models.opts<StateOptions>();
    return { ...(json ? { json } : {}), ...(state ? { state } : {}) };
  };

  models
    .command('import')
    .description(
      'Check an ONNX SR model (one float32 NCHW input and output), measure its scale and layout, and copy it into the state folder',
    )
    .argument('<file>', 'the .onnx file')
    .option('--id <id>', 'id to use (default: from the file name)')
    .option('--name <name>', 'display name')
    .option('--scale <n>', 'scale of an SRCNN-style model fed a bicubic-upsampled image (cannot be measured)')
    .option('--json', 'print one JSON document')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the app-data folder)')
    .action(async (file: string, own: ImportCliOptions) => {
      const opts: ImportCliOptions = { ...parentOptions(), ...own };
      const { importModel } = await import('../../engine/models/import-model.ts');
      const model = await importModel(
        file,
        { stateDir: resolveStateDir(opts.state) },
        { id: opts.id, name: opts.name, scale: parseScale(opts.scale) },
      );
      if (opts.json) printJson(describeModel(model));
      else {
        const m = model.meta;
        process.stdout.write(`Imported ${m.id}: ×${m.scale}, ${m.colorMode}, ${m.inputKind} input, halo ${m.halo} → ${model.path}\n`);
      }
    });

  models
    .command('quantize')
    .description(
      'Make an int8 copy of a float32 Y model (a new id, with its parent and scores): calibrated and scored on your photos or a data set',
    )
    .argument('<model>', 'model id (see `srstudio models`) or .onnx file')
    .option(
      '--calibrate <source>',
      'photos to calibrate and score on: a folder, or dataset:ID (its validation split); default: the validation split of your newest data set that has one',
    )
    .option('--format <format>', 'int8 (bf16 is not offered: it says why)', 'int8')
    .option('--id <id>', 'id of the new model (default: <model>-int8)')
    .option('--name <name>', 'display name')
    .option('--out <file>', 'write the model to this file instead of into the state folder (it must not exist)')
    .option('--budget <dB>', 'validation PSNR the int8 model may lose before layers go back to float32 (default 0.1)')
    .option('--ranges <method>', 'activation ranges: mse (default) or minmax')
    .option('--json', 'print one JSON document')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the app-data folder)')
    .action((model: string, own: QuantizeCliOptions) => quantizeAction(model, { ...parentOptions(), ...own }));

  models
    .command('rm')
    .description('Remove an imported model (built-in models cannot be removed)')
    .argument('<id>', 'model id (see `srstudio models`)')
    .option('--json', 'print one JSON document')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the app-data folder)')
    .action(async (id: string, own: StateOptions) => {
      const opts: StateOptions = { ...parentOptions(), ...own };
      const { deleteModel } = await import('../../engine/models/registry.ts');
      const model = await deleteModel(id, { stateDir: resolveStateDir(opts.state) });
      if (opts.json) printJson({ removed: describeModel(model) });
      else process.stdout.write(`Removed ${model.meta.id} (${model.path})\n`);
    });
}
