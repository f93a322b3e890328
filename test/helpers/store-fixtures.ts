import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** A PNG whose pixels are derived from `seed`, so different seeds give different bytes (and hashes). */
export async function writeNoisePng(file: string, width: number, height: number, seed: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < data.length; i += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    data[i] = state & 0xff;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(file);
}

/** A JPEG with a camera model in EXIF and a Display-P3 ICC profile, as a phone would write. */
export async function writeCameraJpeg(file: string, width: number, height: number, model: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .withExif({ IFD0: { Make: 'Acme', Model: model } })
    .withIccProfile('p3')
    .jpeg({ quality: 90 })
    .toFile(file);
}

export interface FixtureTree {
  root: string;
  /** Distinct usable images, absolute paths. */
  images: string[];
  duplicate: string;
  duplicateOf: string;
  textFile: string;
  tiny: string;
  corrupt: string;
  nested: string;
  camera: string;
}

/**
 * photos/
 *   a.png b.png (distinct), copy-of-a.png (duplicate of a), notes.txt, tiny.png (20×20), broken.png (garbage),
 *   phone.jpg (EXIF model "Pixel 9", P3 ICC), sub/deep.png (only with recursive)
 */
export async function makeFixtureTree(dir: string): Promise<FixtureTree> {
  const root = path.join(dir, 'photos');
  const a = path.join(root, 'a.png');
  const b = path.join(root, 'b.png');
  const camera = path.join(root, 'phone.jpg');
  const nested = path.join(root, 'sub', 'deep.png');
  await writeNoisePng(a, 64, 48, 1);
  await writeNoisePng(b, 40, 40, 2);
  await writeCameraJpeg(camera, 80, 60, 'Pixel 9');
  await writeNoisePng(nested, 50, 50, 3);
  const duplicate = path.join(root, 'copy-of-a.png');
  fs.copyFileSync(a, duplicate);
  const textFile = path.join(root, 'notes.txt');
  fs.writeFileSync(textFile, 'not a photo');
  const tiny = path.join(root, 'tiny.png');
  await writeNoisePng(tiny, 20, 20, 4);
  const corrupt = path.join(root, 'broken.png');
  fs.writeFileSync(corrupt, Buffer.from('this is not a png at all, only text pretending'));
  return { root, images: [a, b, camera], duplicate, duplicateOf: a, textFile, tiny, corrupt, nested, camera };
}
