import type { UpscaleRequest } from './upscale-request.ts';

/**
 * How a command line differs from a batch's stored request, one line per setting, in the CLI's own words. Used when
 * someone recalls the original command and appends `--resume`: the same command resumes; a different one must say
 * which setting differs, because resuming would silently use the stored one.
 */
export function requestDifferences(stored: UpscaleRequest, given: UpscaleRequest): string[] {
  const lines: string[] = [];
  const compare = (label: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`${label}: the batch has ${show(a)}, this command line ${show(b)}`);
  };
  compare('INPUT', [...stored.inputs].sort(), [...given.inputs].sort());
  compare('--out', stored.outDir, given.outDir);
  compare('--scale', stored.scale, given.scale);
  compare('--width', stored.width, given.width);
  compare('--height', stored.height, given.height);
  compare('--recursive', stored.recursive, given.recursive);
  compare('--model', stored.model, given.model);
  compare('--format', stored.format, given.format);
  compare('--quality', stored.quality, given.quality);
  compare('--name', stored.nameTemplate, given.nameTemplate);
  compare('--skip-existing/--overwrite', stored.existing, given.existing);
  compare('--tile', stored.tile, given.tile);
  compare('--device', stored.device, given.device);
  return lines;
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
