import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src/engine/imaging/image.ts';

/** A fresh temp folder; call the returned cleanup in afterEach/afterAll. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `srs-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes an RgbImage as a real PNG (through sharp), so tests go through the real decoder. */
export async function writePng(file: string, image: RgbImage): Promise<void> {
  await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png()
    .toFile(file);
}

/** Writes a one-channel (greyscale) PNG from the first channel of `image`. */
export async function writeGreyPng(file: string, image: RgbImage): Promise<void> {
  const grey = new Uint8Array(image.width * image.height);
  for (let i = 0; i < grey.length; i++) grey[i] = image.data[i * image.channels];
  await sharp(Buffer.from(grey), { raw: { width: image.width, height: image.height, channels: 1 } })
    .png()
    .toFile(file);
}
