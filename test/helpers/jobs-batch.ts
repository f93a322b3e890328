import fs from 'node:fs';
import path from 'node:path';
import { writePhoto } from './imaging-photo.ts';
import { writeTinyModel } from './models-tiny.ts';

/** A tiny ×2 model (real ONNX, SRCNN-shaped) written into `dir`; returns its path. */
export function writeBatchModel(dir: string): Promise<string> {
  return writeTinyModel(dir, 'y-upsampled-same', { scale: 2 });
}

/** Writes `count` small photo-like images `<prefix>NN.<ext>` into `dir`; returns their paths in order. */
export async function writePhotos(
  dir: string,
  count: number,
  opts: { prefix?: string; ext?: string; width?: number; height?: number; seed?: number } = {},
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `${opts.prefix ?? 'photo'}${String(i).padStart(2, '0')}.${opts.ext ?? 'png'}`);
    await writePhoto(file, { width: opts.width ?? 40, height: opts.height ?? 32, seed: (opts.seed ?? 1) + i });
    paths.push(file);
  }
  return paths;
}

/** Every file under `root` with its bytes, keyed by path relative to `root`. */
export function readTree(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full));
    }
  };
  if (fs.existsSync(root)) visit(root);
  return out;
}
