/**
 * The folders bench:batch upscales: photo-sized PNGs, and camera-sized JPEGs made from them. From a data set folder
 * when there is one (the shared BSD200 copy by default), else from generated photo-like images, so the bench runs
 * anywhere. Nothing is written outside the bench's own temp folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { makePhoto, rawSharp } from '../test/helpers/imaging-photo.ts';

export interface BenchFolder {
  name: string;
  dir: string;
  files: number;
  /** Input megapixels of all files together. */
  inputMp: number;
  describe: string;
}

const IMAGE = /\.(png|jpe?g|webp|tiff?)$/i;

/** The data set's images in sorted order, or none where the folder does not exist. */
export function datasetImages(dir: string | undefined): string[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => IMAGE.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** `count` PNGs: the data set's first images as they are (linked), or generated 481×321 photos. */
export async function pngFolder(root: string, sources: string[], count: number): Promise<BenchFolder> {
  const dir = path.join(root, 'png');
  fs.mkdirSync(dir, { recursive: true });
  let inputMp = 0;
  for (let i = 0; i < count; i++) {
    const target = path.join(dir, `photo${String(i).padStart(3, '0')}.png`);
    if (sources[i]?.toLowerCase().endsWith('.png')) fs.symlinkSync(sources[i], target);
    else
      await rawSharp(makePhoto({ width: 481, height: 321, seed: i + 1 }))
        .png()
        .toFile(target);
    const { width = 0, height = 0 } = await sharp(target).metadata();
    inputMp += (width * height) / 1e6;
  }
  const from = sources.length >= count ? path.dirname(sources[0]) : 'generated photo-like images';
  return { name: 'png', dir, files: count, inputMp, describe: `${count} PNGs from ${from}` };
}

/**
 * `count` camera-sized JPEGs of about `megapixels` each (4:3): mosaics of the data set's photos at their own
 * resolution (so the detail is a photo's, not an enlargement's), written as a camera does (quality 92, 4:2:0, EXIF).
 */
export async function cameraFolder(root: string, sources: string[], count: number, megapixels: number): Promise<BenchFolder> {
  const dir = path.join(root, 'camera');
  fs.mkdirSync(dir, { recursive: true });
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const cell = { width: 480, height: 320 };
  const columns = Math.ceil(width / cell.width);
  const rows = Math.ceil(height / cell.height);
  let next = 0;
  for (let i = 0; i < count; i++) {
    const tiles: OverlayOptions[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const source = sources.length > 0 ? sources[next++ % sources.length] : undefined;
        const input = source
          ? await sharp(source).resize(cell.width, cell.height, { fit: 'cover' }).png({ compressionLevel: 0 }).toBuffer()
          : await rawSharp(makePhoto({ ...cell, seed: 1000 + next++ }))
              .png({ compressionLevel: 0 })
              .toBuffer();
        tiles.push({ input, left: c * cell.width, top: r * cell.height });
      }
    }
    const canvas = await sharp({ create: { width: columns * cell.width, height: rows * cell.height, channels: 3, background: '#808080' } })
      .composite(tiles)
      .png({ compressionLevel: 0 })
      .toBuffer();
    await sharp(canvas)
      .extract({ left: 0, top: 0, width, height })
      .withExif({ IFD0: { Make: 'SR Studio', Model: 'bench camera' } })
      .jpeg({ quality: 92, chromaSubsampling: '4:2:0' })
      .toFile(path.join(dir, `IMG_${String(i + 1).padStart(4, '0')}.jpg`));
  }
  const from = sources.length > 0 ? `mosaics of ${path.basename(path.dirname(sources[0]))} photos` : 'generated photo-like images';
  return {
    name: 'camera',
    dir,
    files: count,
    inputMp: (count * width * height) / 1e6,
    describe: `${count} camera JPEGs ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP, q92 4:2:0, EXIF; ${from})`,
  };
}
