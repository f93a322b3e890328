import fs from 'node:fs';
import path from 'node:path';
import { SrError } from '../errors.ts';
import type { DiscoveredFile, SkippedInput } from './discover-inputs.ts';
import { nameValuesFor, outputFormatFor, renderName, withCollisionSuffix } from './output-naming.ts';
import { RealLocations } from './real-location.ts';
import type { ExistingPolicy, FormatChoice } from './upscale-request.ts';

export interface NamingOptions {
  outDir: string;
  nameTemplate: string;
  format: FormatChoice;
  /** Rendered `{scale}`. */
  scaleLabel: string;
  /** Rendered `{model}`. */
  modelId: string;
  existing: ExistingPolicy;
}

export interface PlannedOutput {
  input: string;
  output: string;
  status: 'pending' | 'skipped';
  reason?: string;
}

export interface OutputPlan {
  items: PlannedOutput[];
  /** Outputs that already exist, with `existing: 'refuse'`: the batch must not start. */
  conflicts: string[];
  /** Inputs left out as earlier outputs of this batch's other inputs (see `planOutputs`), with the reason. */
  earlierOutputs: SkippedInput[];
}

/**
 * Gives every input its output path, once, at planning time; the journal stores the result, so a resume writes
 * to exactly the same files even if the folder changed meanwhile.
 *
 * Collisions: two inputs whose names render the same (`a/photo.jpg`, `b/photo.jpg` into one folder) never share an
 * output; the later one in sorted input order gets " (2)", then " (3)"… Paths are compared case-insensitively, as
 * on macOS and Windows, so the plan is valid on any file system, and by where they really lead (symlinked folders
 * resolved), so an output never lands on one of the inputs, whatever the policy: an output folder reached through a
 * symlink to the input folder included.
 *
 * Earlier outputs: when the output folder holds inputs (`-o` is an input folder), an input that sits exactly where
 * another input's output goes (`photo_x2.jpg` beside `photo.jpg`) is taken for that input's output from an earlier run.
 * It is not upscaled again (no `photo_x2_x2.jpg`), and the policy applies to it as to any existing output: refuse,
 * skip, or (--overwrite) replace it.
 */
export function planOutputs(
  files: readonly DiscoveredFile[],
  options: NamingOptions,
  exists: (p: string) => boolean = fs.existsSync,
): OutputPlan {
  const real = new RealLocations();
  const keyOf = (p: string): string => collisionKey(real.location(p));
  const { inputs, earlierOutputs } = withoutEarlierOutputs(files, options, real);
  const taken = new Set(inputs.flatMap((f) => inputKeys(f.input, real)));
  const items: PlannedOutput[] = [];
  const conflicts: string[] = [];
  for (const file of inputs) {
    const output = uniqueOutput(file, options, (candidate) => taken.has(keyOf(candidate)));
    taken.add(keyOf(output));
    if (!exists(output)) {
      items.push({ input: file.input, output, status: 'pending' });
    } else if (options.existing === 'overwrite') {
      items.push({ input: file.input, output, status: 'pending' });
    } else if (options.existing === 'skip') {
      items.push({ input: file.input, output, status: 'skipped', reason: skippedExistingReason(output) });
    } else {
      conflicts.push(output);
      items.push({ input: file.input, output, status: 'pending' });
    }
  }
  return { items, conflicts, earlierOutputs };
}

/**
 * Splits off the inputs that sit where another input's own output goes: see `planOutputs`. Every input that is such an
 * output goes, chains included (`photo_x2_x2.jpg` of `photo_x2.jpg` of `photo.jpg`). Some input always stays: a name
 * only grows under a template with {name}, or is one constant name, so no two inputs are each other's outputs.
 */
function withoutEarlierOutputs(
  files: readonly DiscoveredFile[],
  options: NamingOptions,
  real: RealLocations,
): { inputs: DiscoveredFile[]; earlierOutputs: SkippedInput[] } {
  const byKey = new Map<string, DiscoveredFile>();
  for (const file of files) for (const key of inputKeys(file.input, real)) byKey.set(key, file);
  const earlier = new Map<DiscoveredFile, string>();
  for (const file of files) {
    const output = uniqueOutput(file, options, () => false);
    const found = byKey.get(collisionKey(real.location(output)));
    // Its own name (`--name "{name}"` into its own folder) is not an earlier output: that input gets " (2)" instead.
    if (found === undefined || found === file || earlier.has(found)) continue;
    earlier.set(found, `an earlier output of ${file.input} (it has the name of that photo's output); not upscaled again`);
  }
  return {
    inputs: files.filter((f) => !earlier.has(f)),
    earlierOutputs: [...earlier].map(([file, reason]) => ({ input: file.input, reason })),
  };
}

/** An input is taken both where it is (a symlink there is an entry of that name) and as the file it leads to. */
function inputKeys(input: string, real: RealLocations): string[] {
  return [collisionKey(real.location(input)), collisionKey(real.file(input))];
}

function uniqueOutput(file: DiscoveredFile, options: NamingOptions, isTaken: (candidate: string) => boolean): string {
  const { extension } = outputFormatFor(file.input, options.format);
  const base = renderName(options.nameTemplate, nameValuesFor(file.input, options.scaleLabel, options.modelId)) + extension;
  const dir = path.join(options.outDir, ...file.relativeDir.split('/').filter(Boolean));
  let candidate = path.join(dir, base);
  for (let n = 2; isTaken(candidate); n++) candidate = path.join(dir, withCollisionSuffix(base, n, extension));
  return candidate;
}

function collisionKey(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

/** Why an input is skipped under `existing: 'skip'`, whether its output existed at planning or appeared later. */
export function skippedExistingReason(output: string): string {
  return `output already exists: ${output} (--skip-existing)`;
}

/**
 * How a file that failed with `code` is recorded under the batch's policy: under `skip`, an output that appeared after
 * planning (kept by the no-replace commit, OUTPUT_EXISTS) skips the file, as one found at planning does; the reason to
 * record then, else undefined (the failure stands). One rule for local batches, the queue's journal and its status.
 */
export function skipForAppearedOutput(code: string, existing: ExistingPolicy, output: string | null): string | undefined {
  return code === 'OUTPUT_EXISTS' && existing === 'skip' && output ? skippedExistingReason(output) : undefined;
}

/** The refusal for `existing: 'refuse'`, naming a few of the files and the two ways on. */
export function outputExistsError(conflicts: readonly string[]): SrError {
  const shown = conflicts.slice(0, 5).join(', ');
  const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
  const noun = conflicts.length === 1 ? '1 output file already exists' : `${conflicts.length} output files already exist`;
  return new SrError(
    'OUTPUT_EXISTS',
    `${noun}: ${shown}${more}`,
    'Nothing was written. Pass --skip-existing to keep those files, or --overwrite to replace them (or choose another -o folder).',
    conflicts[0],
  );
}

/**
 * One file's refusal when its output appeared after planning (the plan found nothing there): another batch writing to
 * the same folder, or a file put there before a resume. The file found is kept; the rest of the batch goes on.
 */
export function outputAppearedError(output: string): SrError {
  return new SrError(
    'OUTPUT_EXISTS',
    `${output} already exists (it appeared after this batch was planned, e.g. written by another batch); it was left as it is`,
    'Pass --skip-existing to keep such files, or --overwrite to replace them (or choose another -o folder).',
    output,
  );
}
