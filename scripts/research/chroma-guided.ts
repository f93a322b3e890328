/**
 * Would a classical chroma clean-up help the Y-only models on photos? Measures a guided filter (He et al.) on Cb and
 * Cr at low resolution, with Y as the guide, before the bicubic that upscales them: the chroma's PSNR against the
 * original's, on colour images only (grey ones have no chroma to score), border shave = scale.
 *
 *   npx tsx scripts/research/chroma-guided.ts DIR... [--scale 2] [--seed 1]
 *
 * Inputs: the clean protocol, the `photo` preset and docs/recipes/colour-noise.json (strong colour noise), each at
 * the seed. Columns: radius r (LR pixels) and ε (levels²) of the filter; r 0 is bicubic alone.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { degradeImage } from '../../src/engine/degrade/index.ts';
import { parseRecipe, preset } from '../../src/engine/degrade/presets.ts';
import { listEvalImages } from '../../src/engine/eval/list-images.ts';
import { degrade, modcrop } from '../../src/engine/eval/protocol.ts';
import { dropAlpha } from '../../src/engine/imaging/alpha-channel.ts';
import { rgbToYcbcr } from '../../src/engine/imaging/colour.ts';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { Plane, RgbImage } from '../../src/engine/imaging/image.ts';
import { imresize } from '../../src/engine/imaging/matlab-resize.ts';
import { psnr } from '../../src/engine/metrics/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const scale = option('--scale', 2);
const seed = option('--seed', 1);
const dirs = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (dirs.length === 0) throw new Error('usage: chroma-guided.ts DIR... [--scale 2] [--seed 1]');

const SETTINGS: [radius: number, epsilon: number][] = [
  [0, 0],
  [1, 4],
  [1, 25],
  [2, 25],
];

/** Mean over a (2r+1)² window clipped at the borders, by running sums along rows, then columns. */
function boxMean(values: Float32Array, width: number, height: number, r: number): Float32Array {
  const rows = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      const lo = Math.max(0, x - r);
      const hi = Math.min(width - 1, x + r);
      for (let k = lo; k <= hi; k++) sum += values[y * width + k];
      rows[y * width + x] = sum / (hi - lo + 1);
    }
  }
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const lo = Math.max(0, y - r);
    const hi = Math.min(height - 1, y + r);
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = lo; k <= hi; k++) sum += rows[k * width + x];
      out[y * width + x] = sum / (hi - lo + 1);
    }
  }
  return out;
}

/** The guided filter of `p` by `guide`: locally p ≈ a·guide + b, fitted with regulariser ε, then averaged. */
function guidedFilter(guide: Plane, p: Plane, r: number, epsilon: number): Plane {
  const { width, height } = guide;
  const mean = (v: Float32Array) => boxMean(v, width, height, r);
  const product = (a: Float32Array, b: Float32Array) => a.map((v, i) => v * b[i]);
  const meanI = mean(guide.data);
  const meanP = mean(p.data);
  const meanIP = mean(product(guide.data, p.data));
  const meanII = mean(product(guide.data, guide.data));
  const a = meanI.map((m, i) => (meanIP[i] - m * meanP[i]) / (meanII[i] - m * m + epsilon));
  const b = meanP.map((m, i) => m - a[i] * meanI[i]);
  const meanA = mean(a);
  const meanB = mean(b);
  return { width, height, data: guide.data.map((v, i) => meanA[i] * v + meanB[i]) };
}

const colourNoise = parseRecipe(JSON.parse(readFileSync('docs/recipes/colour-noise.json', 'utf8')), 'colour-noise.json');
const inputs: Record<string, (hr: RgbImage, name: string) => Promise<RgbImage>> = {
  clean: async (hr) => degrade(hr, scale),
  photo: (hr, name) => degradeImage(hr, scale, preset('photo').recipe, seed, name),
  'colour-noise': (hr, name) => degradeImage(hr, scale, colourNoise, seed, name),
};

const files = (await Promise.all(dirs.map((dir) => listEvalImages(dir)))).flat();
for (const [kind, makeInput] of Object.entries(inputs)) {
  const sums = SETTINGS.map(() => 0);
  let images = 0;
  for (const file of files) {
    const hr = modcrop(dropAlpha((await decodePhoto(file)).image), scale);
    const truth = rgbToYcbcr(hr);
    if (truth.cb.data.every((v) => Math.abs(v - 128) < 1) && truth.cr.data.every((v) => Math.abs(v - 128) < 1)) continue;
    const low = rgbToYcbcr(await makeInput(hr, basename(file)));
    SETTINGS.forEach(([r, epsilon], k) => {
      for (const plane of ['cb', 'cr'] as const) {
        const cleaned = r === 0 ? low[plane] : guidedFilter(low.y, low[plane], r, epsilon);
        sums[k] += psnr(imresize(cleaned, hr.width, hr.height, 'bicubic'), truth[plane], scale) / 2;
      }
    });
    images += 1;
  }
  const cells = SETTINGS.map(([r, epsilon], k) => `r ${r} ε ${epsilon}: ${(sums[k] / images).toFixed(2)}`);
  console.log(`${kind.padEnd(12)} ×${scale} (${images} colour images)  ${cells.join(' | ')}`);
}
