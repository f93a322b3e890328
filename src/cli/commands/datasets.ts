import type { Command } from 'commander';
import type { DatasetRecord, ProgressCallback, SyncResult } from '../../engine/datasets/types.ts';
import { SrError } from '../../engine/errors.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import type { Store } from '../../engine/store/store.ts';
import { printJson } from '../output.ts';
import { registerDatasetsProfileCommand } from './datasets-profile.ts';

/** The engine side of `datasets` (sharp, SQLite): loaded when a subcommand runs, so `--help` stays fast. */
type DatasetsEngine = typeof import('./datasets-engine.ts');

interface CommonOptions {
  json?: boolean;
  state?: string;
}

/** `srstudio datasets …`: build, inspect, split and move the photo collections training reads from. */
export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Manage training datasets: folders of photos, de-duplicated, split into train/val');

  common(datasets.command('create <name> <paths...>'))
    .description('Create a dataset from folders and/or image files (photos stay where they are)')
    .option('--recursive', 'include sub-folders')
    .option('--patch <px>', 'training patch size; smaller images are skipped', '33')
    .action((name: string, paths: string[], opts: CommonOptions & { recursive?: boolean; patch: string }) =>
      withStore(opts, async (store, { createDataset }) => {
        const patchSize = parseInteger(opts.patch, '--patch');
        const { dataset, result } = await createDataset(store, name, paths, {
          recursive: opts.recursive === true,
          patchSize,
          onProgress: progressPrinter(opts),
        });
        if (opts.json) {
          printJson({
            id: dataset.id,
            name: dataset.name,
            images: dataset.images,
            skipped: result.skipped.map(({ path, reason }) => ({ path, reason })),
            duplicates: result.duplicates.length,
          });
        } else {
          printSync(result);
          process.stdout.write(`Created dataset ${dataset.id} "${dataset.name}": ${dataset.images} images.\n`);
          if (dataset.images === 0)
            process.stderr.write(
              'srstudio: warning: no usable images; the skipped files above say why. Add some with `datasets add ID DIR`.\n',
            );
        }
      }),
    );

  common(datasets.command('list'))
    .description('List datasets')
    .action((opts: CommonOptions) =>
      withStore(opts, async (store, { listDatasets }) => {
        const all = listDatasets(store);
        if (opts.json) return printJson(all);
        if (all.length === 0) return void process.stdout.write('No datasets yet. Create one with `srstudio datasets create NAME DIR`.\n');
        process.stdout.write(
          `${'id'.padStart(4)}  ${'name'.padEnd(24)} ${'images'.padStart(7)} ${'train'.padStart(6)} ${'val'.padStart(5)} ${'missing'.padStart(8)}  status\n`,
        );
        for (const d of all) {
          process.stdout.write(
            `${String(d.id).padStart(4)}  ${d.name.padEnd(24)} ${String(d.images).padStart(7)} ${String(d.train).padStart(6)} ${String(d.val).padStart(5)} ${String(d.missing).padStart(8)}  ${d.status}\n`,
          );
        }
      }),
    );

  common(datasets.command('show <id>'))
    .description('Show a dataset: folders, statistics (patches at 33/14), skipped files, missing photos')
    .option('--images', 'also list every image')
    .action((ref: string, opts: CommonOptions & { images?: boolean }) =>
      withStore(opts, async (store, { DatasetsRepo, datasetStats }) => {
        const repo = new DatasetsRepo(store);
        const id = repo.resolve(ref);
        const dataset = repo.record(id);
        const stats = datasetStats(store, id);
        const skipped = repo.skips(id);
        const images = repo.images(id);
        if (opts.json)
          return printJson({
            ...dataset,
            stats,
            skipped,
            missingImages: images.filter((i) => i.missing).map((i) => i.path),
            imageList: opts.images ? images : undefined,
          });
        printRecord(dataset);
        process.stdout.write(`  total ${stats.totalMegapixels.toFixed(2)} MP, ${(stats.totalBytes / 1e6).toFixed(1)} MB\n`);
        process.stdout.write(`  sizes: ${stats.sizeHistogram.map((b) => `${b.label}: ${b.count}`).join(', ')}\n`);
        process.stdout.write(
          `  patches ${stats.patches.patch}px stride ${stats.patches.stride}: ${stats.patches.total} (train ${stats.patches.train}, val ${stats.patches.val})\n`,
        );
        process.stdout.write(`    = sum over images of ${stats.patches.formula}\n`);
        for (const image of images.filter((i) => i.missing)) process.stdout.write(`  missing: ${image.path}\n`);
        for (const s of skipped) process.stdout.write(`  ${s.code === 'DUPLICATE' ? 'duplicate' : 'skipped'}: ${s.path} — ${s.reason}\n`);
        if (opts.images)
          for (const i of images) process.stdout.write(`  ${i.split ?? '-'}\t${i.width}×${i.height}\t${i.format}\t${i.path}\n`);
      }),
    );

  common(datasets.command('split <id>'))
    .description('Split at random into train/val (reproducible from the seed; photos are not touched)')
    .requiredOption('--val <fraction>', 'fraction of images for validation, e.g. 0.1')
    .option('--seed <n>', 'random seed', '0')
    .action((ref: string, opts: CommonOptions & { val: string; seed: string }) =>
      withStore(opts, async (store, { DatasetsRepo, randomSplit }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        const valFraction = Number(opts.val);
        if (!Number.isFinite(valFraction))
          throw new SrError('BAD_ARGUMENT', `--val "${opts.val}" is not a number`, 'Pass a fraction such as 0.1.');
        const counts = randomSplit(store, id, { valFraction, seed: parseInteger(opts.seed, '--seed') });
        if (opts.json) printJson({ id, ...counts });
        else process.stdout.write(`Dataset ${id}: ${counts.train} train, ${counts.val} val.\n`);
      }),
    );

  common(datasets.command('rescan <id>'))
    .description('Rescan: import new photos, flag vanished ones, heal moved ones by content hash; resumes an interrupted import')
    .option('--root <OLD=NEW>', 'a dataset folder moved from OLD to NEW (repeatable)', collect, [] as string[])
    .action((ref: string, opts: CommonOptions & { root: string[] }) =>
      withStore(opts, async (store, { rescanDataset, DatasetsRepo }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        const remap = opts.root.map(parseRemap);
        const result = await rescanDataset(store, id, { remap, onProgress: progressPrinter(opts) });
        if (opts.json) return printJson({ id, ...result, duplicates: result.duplicates.length });
        printSync(result);
        printRecord(new DatasetsRepo(store).record(id));
      }),
    );

  common(datasets.command('add <id> <paths...>'))
    .description('Add folders or image files to a dataset')
    .option('--recursive', 'include sub-folders')
    .action((ref: string, paths: string[], opts: CommonOptions & { recursive?: boolean }) =>
      withStore(opts, async (store, { addToDataset, DatasetsRepo }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        const result = await addToDataset(store, id, paths, { recursive: opts.recursive === true, onProgress: progressPrinter(opts) });
        if (opts.json) return printJson({ id, ...result, duplicates: result.duplicates.length });
        printSync(result);
      }),
    );

  common(datasets.command('remove <id> <paths...>'))
    .description('Remove folders or images from a dataset (files are not deleted)')
    .action((ref: string, paths: string[], opts: CommonOptions) =>
      withStore(opts, async (store, { removeFromDataset, DatasetsRepo }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        const removed = removeFromDataset(store, id, paths);
        if (opts.json) printJson({ id, ...removed });
        else process.stdout.write(`Removed ${removed.removedRoots} folder(s) and ${removed.removedImages} image(s) from dataset ${id}.\n`);
      }),
    );

  common(datasets.command('rm <id>'))
    .description('Delete a dataset (its photos are not touched)')
    .action((ref: string, opts: CommonOptions) =>
      withStore(opts, async (store, { deleteDataset, DatasetsRepo }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        deleteDataset(store, id);
        if (opts.json) printJson({ id, deleted: true });
        else process.stdout.write(`Deleted dataset ${id}.\n`);
      }),
    );

  common(datasets.command('export <id> <file>'))
    .description('Write a manifest JSON (paths relative to the file, hashes, split)')
    .action((ref: string, file: string, opts: CommonOptions) =>
      withStore(opts, async (store, { DatasetsRepo, exportManifest }) => {
        const id = new DatasetsRepo(store).resolve(ref);
        const written = await exportManifest(store, id, file);
        if (opts.json) printJson({ id, ...written });
        else process.stdout.write(`Wrote ${written.file} (${written.images} images).\n`);
      }),
    );

  common(datasets.command('import <file>'))
    .description('Create a dataset from a manifest written by `datasets export`')
    .option('--name <name>', 'a name other than the one in the manifest')
    .action((file: string, opts: CommonOptions & { name?: string }) =>
      withStore(opts, async (store, { importManifest }) => {
        const { dataset, result } = await importManifest(store, file, { name: opts.name, onProgress: progressPrinter(opts) });
        if (opts.json) {
          return printJson({
            id: dataset.id,
            name: dataset.name,
            images: dataset.images,
            missing: dataset.missing,
            skipped: result.skipped.map(({ path, reason }) => ({ path, reason })),
            duplicates: result.duplicates.length,
          });
        }
        printSync(result);
        printRecord(dataset);
      }),
    );

  registerDatasetsProfileCommand(datasets);
}

function common(command: Command): Command {
  return command
    .option('--json', 'print one JSON document')
    .option('--state <dir>', 'state folder (default: $SRSTUDIO_HOME or the OS app-data folder)');
}

async function withStore(opts: CommonOptions, action: (store: Store, engine: DatasetsEngine) => Promise<void>): Promise<void> {
  const engine = await import('./datasets-engine.ts');
  const store = engine.openStore(resolveStateDir(opts.state));
  try {
    // An import killed earlier shows as interrupted (and `rescan` resumes it) instead of importing forever.
    engine.markInterruptedImports(store);
    await action(store, engine);
  } finally {
    store.close();
  }
}

function progressPrinter(opts: CommonOptions): ProgressCallback | undefined {
  if (opts.json || !process.stderr.isTTY) return undefined;
  return (p) => {
    if (p.phase === 'scanning') process.stderr.write('Scanning folders…\r');
    else process.stderr.write(`Importing ${p.done}/${p.total}${p.done === p.total ? '\n' : '\r'}`);
  };
}

function printSync(result: SyncResult): void {
  for (const s of result.skipped) process.stdout.write(`skipped: ${s.path} — ${s.reason}\n`);
  for (const d of result.duplicates) process.stdout.write(`duplicate: ${d.path} — same content as ${d.sameAs}\n`);
  const parts = [`${result.added} added`];
  if (result.healed) parts.push(`${result.healed} found at a new place`);
  if (result.duplicates.length) parts.push(`${result.duplicates.length} duplicates`);
  if (result.skipped.length) parts.push(`${result.skipped.length} skipped`);
  if (result.missing) parts.push(`${result.missing} missing (use \`datasets rescan ID --root OLD=NEW\` if a folder moved)`);
  process.stdout.write(`${parts.join(', ')}.\n`);
}

function printRecord(d: DatasetRecord): void {
  process.stdout.write(
    `Dataset ${d.id} "${d.name}" (${d.status}): ${d.images} images (${d.train} train, ${d.val} val), ${d.missing} missing, patch ${d.patchSize}px\n`,
  );
  for (const root of d.roots) process.stdout.write(`  folder: ${root}\n`);
}

function parseInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new SrError('BAD_ARGUMENT', `${flag} "${text}" is not a whole number`, `Pass e.g. ${flag} 33.`);
  return value;
}

function parseRemap(text: string): { from: string; to: string } {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1)
    throw new SrError('BAD_ARGUMENT', `--root "${text}" is not OLD=NEW`, 'Pass e.g. --root /old/photos=/new/photos.');
  return { from: text.slice(0, at), to: text.slice(at + 1) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
