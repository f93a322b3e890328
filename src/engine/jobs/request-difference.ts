import type { UpscaleRequest } from './upscale-request.ts';

/**
 * How a command line differs from a batch's stored request, one line per setting, in the CLI's own words. Used when
 * someone recalls the original command and appends `--resume`: the same command resumes; a different one must say
 * which setting differs, because resuming would silently use the stored one.
 */
/** Each stored setting with the flag that sets it. */
const SETTINGS: [label: string, key: keyof UpscaleRequest][] = [
  ['INPUT', 'inputs'],
  ['--out', 'outDir'],
  ['--scale', 'scale'],
  ['--width', 'width'],
  ['--height', 'height'],
  ['--recursive', 'recursive'],
  ['--model', 'model'],
  ['--format', 'format'],
  ['--quality', 'quality'],
  ['--png-compression', 'pngCompression'],
  ['--name', 'nameTemplate'],
  ['--skip-existing/--overwrite', 'existing'],
  ['--tile', 'tile'],
  ['--device', 'device'],
  ['--precision', 'precision'],
  ['--strength', 'strength'],
];

export function requestDifferences(stored: UpscaleRequest, given: UpscaleRequest): string[] {
  // Inputs are compared as a set: `a b` and `b a` plan the same batch.
  const normal = (request: UpscaleRequest) => ({ ...request, inputs: [...request.inputs].sort() });
  const [a, b] = [normal(stored), normal(given)];
  return SETTINGS.filter(([, key]) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).map(
    ([label, key]) => `${label}: the batch has ${show(a[key])}, this command line ${show(b[key])}`,
  );
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
