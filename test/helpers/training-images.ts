import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/** A smooth colourful image with some edges: learnable structure, so a few steps of training lower the loss. */
export function syntheticRgb(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const wave = Math.sin((x + seed * 7) / (3 + seed)) * Math.cos((y - seed * 3) / (4 + (seed % 3)));
      const stripe = ((x + 2 * y + seed) >> 3) % 2 === 0 ? 40 : -40;
      data[p] = Math.max(0, Math.min(255, Math.round(128 + 90 * wave + stripe)));
      data[p + 1] = Math.max(0, Math.min(255, Math.round(120 + 60 * Math.sin((x * y) / 150 + seed))));
      data[p + 2] = Math.max(0, Math.min(255, Math.round(100 + stripe + 50 * wave)));
    }
  }
  return data;
}

export interface ImageFolder {
  dir: string;
  paths: string[];
  cleanup: () => void;
}

/** Writes `count` PNGs of the given size into a fresh temp folder. */
export async function writeImageFolder(count: number, width: number, height: number, seedBase = 1): Promise<ImageFolder> {
  const dir = mkdtempSync(join(tmpdir(), 'srstudio-train-'));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `img_${String(i).padStart(3, '0')}.png`);
    await sharp(syntheticRgb(width, height, seedBase + i), { raw: { width, height, channels: 3 } })
      .png()
      .toFile(path);
    paths.push(path);
  }
  return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
