/**
 * Why JPEG training photos are shrunk before they become targets (recipe `target.jpegSourceDownscale`).
 *
 *   npx tsx scripts/research/jpeg-targets.ts DIR [--count 40]
 *
 * Takes clean PNGs (e.g. BSD200), makes "camera JPEGs" of them at several qualities, and measures how far each JPEG is
 * from its clean original (Y PSNR, and the 8×8 blockiness: the mean jump across block edges minus the mean jump
 * inside blocks), at full size and after an area shrink by 2 of both. A target that is closer to clean means the model
 * learns detail instead of the source's own blocks and noise.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { imageToPlanes, planesToImage, resizePlanes } from '../../src/engine/degrade/index.ts';
import { rgbToY } from '../../src/engine/imaging/colour.ts';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { RgbImage } from '../../src/engine/imaging/image.ts';
import { psnr } from '../../src/engine/metrics/index.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: jpeg-targets.ts DIR [--count N]');
const countAt = process.argv.indexOf('--count');
const count = countAt > 0 ? Number(process.argv[countAt + 1]) : 40;

async function jpeg(image: RgbImage, quality: number): Promise<RgbImage> {
  const bytes = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

function shrink(image: RgbImage): RgbImage {
  return planesToImage(resizePlanes(imageToPlanes(image), Math.floor(image.width / 2), Math.floor(image.height / 2), 'area'));
}

/** Mean |ΔY| across 8-pixel column boundaries minus the mean |ΔY| elsewhere: about 0 for a clean photo. */
function blockiness(image: RgbImage, period: number): number {
  const y = rgbToY(image);
  let edge = 0;
  let edges = 0;
  let inner = 0;
  let inners = 0;
  for (let row = 0; row < y.height; row++) {
    for (let x = 1; x < y.width; x++) {
      const d = Math.abs(y.data[row * y.width + x] - y.data[row * y.width + x - 1]);
      if (x % period === 0) {
        edge += d;
        edges += 1;
      } else {
        inner += d;
        inners += 1;
      }
    }
  }
  return edge / edges - inner / inners;
}

const files = readdirSync(dir)
  .filter((f) => /\.png$/i.test(f))
  .sort()
  .slice(0, count);
console.log(`${files.length} photos from ${dir}; Y PSNR of the JPEG against its clean original, and blockiness (dB, levels)`);
console.log('quality   full size: PSNR  blockiness    shrunk ×2: PSNR  blockiness');
for (const quality of [50, 75, 90]) {
  const sums = { full: 0, fullBlock: 0, half: 0, halfBlock: 0 };
  for (const file of files) {
    const { image } = await decodePhoto(join(dir, file));
    const clean = { ...image, channels: 3 as const };
    const camera = await jpeg(clean, quality);
    const cleanY = rgbToY(clean);
    sums.full += psnr(rgbToY(camera), cleanY, 0);
    sums.fullBlock += blockiness(camera, 8);
    const [smallClean, smallCamera] = [shrink(clean), shrink(camera)];
    sums.half += psnr(rgbToY(smallCamera), rgbToY(smallClean), 0);
    // After a shrink by 2 the source's 8-pixel grid sits every 4 pixels.
    sums.halfBlock += blockiness(smallCamera, 4);
  }
  const n = files.length;
  console.log(
    `${String(quality).padEnd(9)} ${(sums.full / n).toFixed(2).padStart(15)} ${(sums.fullBlock / n).toFixed(2).padStart(11)} ${(sums.half / n).toFixed(2).padStart(19)} ${(sums.halfBlock / n).toFixed(2).padStart(11)}`,
  );
}
