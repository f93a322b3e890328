/**
 * How much could any rule that blends a model's output with bicubic gain, after the fact? Scores, on the Y channel with
 * the protocol's shave: bicubic, the model, a global blend bicubic + α·(model − bicubic) for several α, and two oracles
 * that know the truth: per block, the better of the two, and the best α of 0, ¼, ½, ¾, 1 and 1¼.
 *
 *   npx srstudio eval --data DIR --scale S --method MODEL --degrade photo --seed 1 --save OUT --save-inputs IN
 *   npx tsx scripts/research/blend-oracle.ts DIR IN OUT --scale S [--block 8]
 *
 * IN and OUT hold `eval`'s files: `<stem>_x<S>_<degradation>-seed<N>_input.png` and `<stem>_x<S>_<method>.png`.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { listEvalImages } from '../../src/engine/eval/list-images.ts';
import { modcrop } from '../../src/engine/eval/protocol.ts';
import { dropAlpha } from '../../src/engine/imaging/alpha-channel.ts';
import { rgbToY } from '../../src/engine/imaging/colour.ts';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { Plane } from '../../src/engine/imaging/image.ts';
import { imresizeRgb } from '../../src/engine/imaging/matlab-resize.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const [dataDir, inputsDir, outputsDir] = args;
if (!outputsDir) throw new Error('usage: blend-oracle.ts DATA INPUTS OUTPUTS --scale S [--block 8]');
const scale = option('--scale', 2);
const block = option('--block', 8);
const GLOBAL = [0.8, 1, 1.1, 1.2, 1.3];
const ORACLE = [0, 0.25, 0.5, 0.75, 1, 1.25];

/** The file of `dir` whose name starts with `<stem>_x<scale>_`. */
function fileFor(dir: string, stem: string): string {
  const name = readdirSync(dir).find((f) => f.startsWith(`${stem}_x${scale}_`));
  if (!name) throw new Error(`no file for ${stem} ×${scale} in ${dir}`);
  return join(dir, name);
}

async function yOf(path: string): Promise<Plane> {
  return rgbToY(dropAlpha((await decodePhoto(path)).image));
}

const blend = (b: number, m: number, alpha: number) => Math.min(255, Math.max(0, Math.round(b + alpha * (m - b))));
const toPsnr = (squares: number, count: number) => 10 * Math.log10((255 * 255) / (squares / count));

const rows: string[] = [];
const sums = { bicubic: 0, model: 0, better: 0, best: 0, global: GLOBAL.map(() => 0) };
const files = await listEvalImages(dataDir);
for (const file of files) {
  const stem = basename(file, extname(file));
  const hrImage = modcrop(dropAlpha((await decodePhoto(file)).image), scale);
  const truth = rgbToY(hrImage);
  const bicubic = rgbToY(
    imresizeRgb(dropAlpha((await decodePhoto(fileFor(inputsDir, stem))).image), hrImage.width, hrImage.height, 'bicubic'),
  );
  const model = await yOf(fileFor(outputsDir, stem));
  const { width, height } = truth;
  let count = 0;
  let better = 0;
  let best = 0;
  const global = GLOBAL.map(() => 0);
  const blocks = { bicubic: 0, model: 0 };
  for (let by = scale; by < height - scale; by += block) {
    for (let bx = scale; bx < width - scale; bx += block) {
      const errors = ORACLE.map(() => 0);
      for (let y = by; y < Math.min(by + block, height - scale); y++) {
        for (let x = bx; x < Math.min(bx + block, width - scale); x++) {
          const i = y * width + x;
          const t = Math.round(truth.data[i]);
          const b = Math.round(bicubic.data[i]);
          const m = Math.round(model.data[i]);
          ORACLE.forEach((alpha, k) => {
            errors[k] += (blend(b, m, alpha) - t) ** 2;
          });
          GLOBAL.forEach((alpha, k) => {
            global[k] += (blend(b, m, alpha) - t) ** 2;
          });
          count += 1;
        }
      }
      const [onBicubic, onModel] = [errors[ORACLE.indexOf(0)], errors[ORACLE.indexOf(1)]];
      blocks.bicubic += onBicubic;
      blocks.model += onModel;
      better += Math.min(onBicubic, onModel);
      best += Math.min(...errors);
    }
  }
  sums.bicubic += toPsnr(blocks.bicubic, count);
  sums.model += toPsnr(blocks.model, count);
  sums.better += toPsnr(better, count);
  sums.best += toPsnr(best, count);
  GLOBAL.forEach((_, k) => {
    sums.global[k] += toPsnr(global[k], count);
  });
  rows.push(`${stem}: model − bicubic ${(toPsnr(blocks.model, count) - toPsnr(blocks.bicubic, count)).toFixed(2)} dB`);
}
const n = files.length;
const over = (v: number) => `${(v / n).toFixed(2)} (${v >= sums.bicubic ? '+' : ''}${((v - sums.bicubic) / n).toFixed(2)})`;
console.log(rows.join('\n'));
console.log(`bicubic ${(sums.bicubic / n).toFixed(2)} · model ${over(sums.model)}`);
console.log(`global α: ${GLOBAL.map((alpha, k) => `${alpha} ${over(sums.global[k])}`).join(' · ')}`);
console.log(`oracle per ${block}×${block} block: better of the two ${over(sums.better)} · best α ${over(sums.best)}`);
