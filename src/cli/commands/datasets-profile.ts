import type { Command } from 'commander';
import type { ProfileCliOptions } from './datasets-profile-action.ts';

/** `srstudio datasets profile DATASET|FOLDER`: what the user's photos look like, and a recipe to train for them. */
export function registerDatasetsProfileCommand(datasets: Command): void {
  datasets
    .command('profile <dataset|folder>')
    .description(
      'Estimate how your photos were made (JPEG quality and chroma from the file headers; noise, blur and size from the pixels) and write a degradation recipe that matches them, for `train --degrade FILE`',
    )
    .option('--recursive', 'with a folder: include sub-folders')
    .option('--sample <n>', 'read at most this many photos, spread evenly over the set', '30')
    .option('--scale <s>', 'the training scale the recipe is for (its blur is in high-resolution pixels): 2, 3 or 4', '2')
    .option('--out <file>', 'write the recipe here (default: recipes/ in the state folder)')
    .option('--json', 'print one JSON document: JPEG quality on libjpeg’s 1–100 scale, noise σ in 8-bit levels')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the OS app-data folder)')
    .action(async (ref: string, opts: ProfileCliOptions) => {
      const { runProfile } = await import('./datasets-profile-action.ts');
      await runProfile(ref, opts);
    });
}
