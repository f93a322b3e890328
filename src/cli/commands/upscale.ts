import type { Command } from 'commander';
import { DEFAULT_MAX_PIXELS } from '../../engine/imaging/limits.ts';
import type { DEFAULT_NAME_TEMPLATE } from '../../engine/jobs/upscale-request.ts';
import { PRECISIONS } from '../../shared/model-meta.ts';
import { DEVICE_NAMES } from '../device-names.ts';
import { addPipelineOptions } from '../pipeline-option.ts';
import type { UpscaleCliOptions } from './upscale-action.ts';

// upscale-request.ts loads onnxruntime; typed as its literal, so tsc fails if the two ever differ.
const NAME_TEMPLATE: typeof DEFAULT_NAME_TEMPLATE = '{name}_x{scale}';

/** Exit codes: 0 all files ok, 1 some failed (or the disk filled up), 2 could not run, 130 interrupted by Ctrl-C. */
export function registerUpscaleCommand(program: Command): void {
  const command = program
    .command('upscale')
    .description('Upscale photos and folders in a batch; each batch is journaled, so an interrupted one can be resumed')
    .argument('[inputs...]', 'image files and folders (any mix)')
    .option(
      '-o, --out <dir>',
      'output folder, created if needed (default: <folder>-upscaled beside a single input folder, else ./upscaled); if it is an input folder, a file there named as another input’s output (photo_x2.jpg beside photo.jpg) is an earlier output, not an input',
    )
    .option('--recursive', 'include sub-folders, mirroring them under the output folder')
    .option('--scale <n>', 'upscaling factor: 2, 3, 4 or any factor such as 1.5 (default: the model’s own)')
    .option('--width <px>', 'target width; the height follows the aspect ratio')
    .option('--height <px>', 'target height; the width follows the aspect ratio')
    .option(
      '--model <id|path>',
      'model id or .onnx file (default: the one set in the Models screen, else the bundled photo model for the scale)',
    )
    .option('--format <fmt>', 'keep|png|jpeg|webp|avif|tiff (keep: the input’s format; heic becomes jpeg, gif png)', 'keep')
    .option('--quality <q>', 'jpeg/webp/avif quality 1-100 (default: jpeg 92, webp 90, avif 70)')
    .option('--png-compression <n>', 'png compression effort 0-9: 0 fastest and largest, 9 smallest and slowest (default 3)')
    .option(
      '--name <template>',
      'output name from {name} (input name), {scale}, {ext} (input extension), {model}; the output extension is added',
      NAME_TEMPLATE,
    )
    .option('--skip-existing', 'keep outputs that already exist (or appear while the batch runs) and skip their inputs')
    .option(
      '--overwrite',
      'replace outputs that already exist (default: refuse to start; a photo whose output appears while the batch runs fails)',
    )
    .option('--tile <n>', 'tile size in model pixels (smaller uses less memory)')
    .option(
      '--max-pixels <n>',
      `refuse inputs whose header claims more pixels than this, before decoding them (default ${DEFAULT_MAX_PIXELS} = 16383×16383)`,
    )
    .option('--device <d>', DEVICE_NAMES.join('|'))
    .option(
      '--queue <url>',
      'let queue workers (`srstudio worker`) upscale the files: redis://HOST:PORT or rediss://; paths must be shared',
    )
    .option('--attempts <n>', 'with --queue: how many times a file is tried before it counts as failed', '3')
    .option(
      '--precision <p>',
      `${PRECISIONS.join('|')} (auto: the model's int8 variant where this CPU has int8 dot-product instructions and the variant is within 0.1 dB of it)`,
    )
    .option(
      '--strength <s>',
      'photo models: how much to clean up, 0 (keep grain and texture: the clean model) to 1 (remove blocks and noise; default)',
    )
    .option(
      '--resume [jobId]',
      'continue the latest unfinished batch, or the given job, with its original settings; with --queue, the given number is the batch on that queue, followed from any machine',
    )
    .option('--state <dir>', 'state folder holding the job journal (default: $SRSTUDIO_HOME or the app-data folder)')
    .option('--json', 'print one JSON document with the result');
  addPipelineOptions(command)
    // The engine (onnxruntime, sharp, SQLite) loads only when the command runs, so `--help` stays fast.
    .action(async (inputs: string[], opts: UpscaleCliOptions) => {
      // The inference worker thread started with the process (main.ts); this starts it for a program that did not
      // come through main.ts. A queued batch upscales nothing here.
      if (opts.queue === undefined) (await import('../../engine/models/worker-session.ts')).prestartInferenceWorker();
      return (await import('./upscale-action.ts')).upscaleAction(inputs, opts);
    });
}
