import type { Command } from 'commander';
import { EVAL_SCALES } from '../../engine/eval/protocol.ts';
import { RESIZE_KERNEL_NAMES } from '../../engine/imaging/resize-kernels.ts';
import { DEVICE_NAMES } from '../device-names.ts';
import type { EvalCliOptions } from './eval-options.ts';

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'Score a method on a folder of HR images with the SR protocol (MATLAB bicubic degradation, or real-photo degradation with --degrade; Y-channel PSNR/SSIM)',
    )
    .requiredOption('--data <dir>', 'folder of ground-truth HR images (e.g. Set5)')
    .requiredOption('--scale <n>', `upscaling factor: ${EVAL_SCALES.join('|')}`)
    .requiredOption('--method <name>', `${RESIZE_KERNEL_NAMES.join('|')}, a model id, or an .onnx path`)
    .option('--json', 'print one JSON document instead of a table')
    .option('--save <dir>', 'also write each reconstruction as PNG into this folder')
    .option(
      '--degrade <recipe>',
      'make the inputs like real photos instead of clean bicubic: photo | heavy | clean | a recipe .json file (the same --seed gives the same bytes)',
    )
    .option('--seed <n>', 'with --degrade: the seed of the degradations', '1')
    .option('--save-inputs <dir>', 'also write each low-resolution input as PNG into this folder')
    .option('--strength <s>', 'for a photo model: restoration strength 0..1, scored as the blend upscale --strength runs')
    .option('--device <d>', `for model methods: ${DEVICE_NAMES.join('|')}`)
    .option('--queue <url>', 'let queue workers (`srstudio worker`) score the images: redis://HOST:PORT; --data must be a shared path')
    .option('--attempts <n>', 'with --queue: how many times an image is tried before the evaluation stops', '3')
    .option('--state <dir>', 'for model ids: state folder holding user models (default: $SRSTUDIO_HOME or the app-data folder)')
    // The engine (sharp, onnxruntime) loads only when the command runs, so `--help` stays fast.
    .action(async (opts: EvalCliOptions) => (await import('./eval-action.ts')).evalAction(opts));
}
