import fs from 'node:fs';
import path from 'node:path';

/**
 * Where `srstudio upscale` writes when no -o is given: beside a single input folder as `<folder>-upscaled`, so
 * `srstudio upscale ~/Photos/trip` never mixes results into the originals; otherwise `./upscaled`.
 */
export function defaultOutputFolder(inputs: string[], cwd = process.cwd()): string {
  if (inputs.length === 1) {
    const input = path.resolve(cwd, inputs[0]);
    if (isFolder(input)) return `${input.replace(/[\\/]+$/, '')}-upscaled`;
  }
  return path.resolve(cwd, 'upscaled');
}

function isFolder(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}
