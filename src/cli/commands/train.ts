import type { Command } from 'commander';
import { DEFAULT_CONFIG } from '../../engine/training/train-config.ts';
import { DEVICE_NAMES } from '../device-names.ts';
import type { TrainCliOptions } from './train-action.ts';

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'Train an SR model on HR images (Y channel; inputs by MATLAB bicubic, or degraded like real photos with --degrade), validating against bicubic as it goes',
    )
    .option(
      '--arch <name|json>',
      'srcnn-9-5-5 | srcnn-9-1-5 (+ -same, -res) | fsrcnn | espcn (+ -res: add the bicubic-upsampled input) | an architecture JSON object',
    )
    .option('--scale <n>', 'upscaling factor')
    .option('--data <dir|dataset:ID>', 'training images: a folder, or a data set (its train split)')
    .option('--val <dir|dataset:ID>', 'validation images: a folder, or a data set (its val split)')
    .option('--steps <n>', `optimisation steps (default ${DEFAULT_CONFIG.steps}; with --resume: a new total)`)
    .option('--batch <n>', `patches per step (default ${DEFAULT_CONFIG.batch})`)
    .option(
      '--patch <n>',
      `HR side of a training patch (default ${DEFAULT_CONFIG.patch}, rounded up to a multiple of the scale for FSRCNN, ESPCN or --degrade)`,
    )
    .option('--lr <rate>', `Adam learning rate (default ${DEFAULT_CONFIG.lr})`)
    .option('--seed <n>', `random seed (default ${DEFAULT_CONFIG.seed})`)
    .option('--schedule <kind>', 'learning-rate schedule: constant | step | cosine (default constant)')
    .option('--loss <kind>', 'mse | l1 (default mse)')
    .option(
      '--sampling <mode>',
      "uniform: every position alike (default) | texture: patches drawn more often where the photo has texture | stride: the paper's fixed sub-images",
    )
    .option('--stride <n>', `HR pixels between sub-images with --sampling stride (default ${DEFAULT_CONFIG.stride})`)
    .option('--no-augment', 'no random flips and rotations')
    .option('--val-every <n>', `validate every N steps (default ${DEFAULT_CONFIG.valEvery})`)
    .option('--checkpoint-every <n>', `checkpoint every N steps (default ${DEFAULT_CONFIG.checkpointEvery})`)
    .option('--device <device>', `${DEVICE_NAMES.join('|')} (default auto)`)
    .option('--out <file.onnx>', "where to write the best model (default: the state folder's models/)")
    .option(
      '--init <model>',
      'start from this model’s weights (id or .onnx), e.g. srcnn-x2 for an SRCNN ×3 run; its training time counts in the lineage. Without --arch or --scale, the model’s own',
    )
    .option(
      '--degrade <recipe>',
      'how inputs are made from the HR photos: clean (the benchmark protocol, default) | photo (phone and camera JPEGs) | heavy (old, scanned, web-recompressed) | a recipe .json file',
    )
    .option('--resume <run>', 'continue run RUN from its latest checkpoint, with its stored settings')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the OS app-data folder)')
    .option('--json', 'print one JSON document when done')
    // The engine (onnxruntime, training graphs, SQLite) loads only when the command runs, so `--help` stays fast.
    .action(async (opts: TrainCliOptions) => (await import('./train-action.ts')).trainAction(opts));
}
