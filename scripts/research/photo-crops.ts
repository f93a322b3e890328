/**
 * Side-by-side crops for docs/photo-models.md: the same region of a degraded photo upscaled by bicubic, by the clean
 * FSRCNN and by the photo model (and, with --truth, the original), each pane labelled, written as one PNG.
 *
 *   npx tsx scripts/research/photo-crops.ts --image HR.png --scale 2 --degrade photo --seed 1 \
 *     --region X,Y,W,H --models fsrcnn-x2,photo-x2 --out docs/images/crop.webp [--zoom 2] [--truth]
 *
 * The region is in HR pixels. Everything goes through the same code as `srstudio eval --degrade`: the photo is
 * modcropped, degraded by the recipe keyed by (seed, file name), then each method rebuilds the full image.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { resolveDegradation } from '../../src/engine/degrade/index.ts';
import { lowResolutionInput } from '../../src/engine/eval/low-resolution-input.ts';
import { interpolationMethod, modcrop } from '../../src/engine/eval/protocol.ts';
import { dropAlpha } from '../../src/engine/imaging/alpha-channel.ts';
import { decodePhoto } from '../../src/engine/imaging/decode.ts';
import type { RgbImage } from '../../src/engine/imaging/image.ts';
import { resolveModelEvalMethod } from '../../src/engine/models/eval-method.ts';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    scale: { type: 'string', default: '2' },
    degrade: { type: 'string', default: 'photo' },
    seed: { type: 'string', default: '1' },
    region: { type: 'string' },
    models: { type: 'string', default: '' },
    out: { type: 'string' },
    zoom: { type: 'string', default: '2' },
    truth: { type: 'boolean', default: false },
  },
});
if (!values.image || !values.region || !values.out) throw new Error('--image, --region and --out are required');
const scale = Number(values.scale);
const zoom = Number(values.zoom);
const [x, y, w, h] = values.region.split(',').map(Number);

const { recipe, name } = await resolveDegradation(values.degrade);
const hr = modcrop(dropAlpha((await decodePhoto(values.image)).image), scale);
const lr = await lowResolutionInput(hr, scale, basename(values.image), { name, recipe, seed: Number(values.seed) });
const methods = [interpolationMethod('bicubic')];
for (const id of values.models.split(',').filter(Boolean)) methods.push(await resolveModelEvalMethod(id, scale, { device: 'cpu' }));

async function pane(image: RgbImage, label: string): Promise<Buffer> {
  const crop = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: x, top: y, width: w, height: h })
    .resize(w * zoom, h * zoom, { kernel: 'nearest' })
    .png()
    .toBuffer();
  const caption = Buffer.from(
    `<svg width="${w * zoom}" height="22"><rect width="100%" height="100%" fill="#111"/><text x="6" y="16" font-family="sans-serif" font-size="14" fill="#eee">${label}</text></svg>`,
  );
  return sharp({ create: { width: w * zoom, height: h * zoom + 22, channels: 3, background: '#111' } })
    .composite([
      { input: caption, top: 0, left: 0 },
      { input: crop, top: 22, left: 0 },
    ])
    .png()
    .toBuffer();
}

const panes: Buffer[] = [];
for (const method of methods) panes.push(await pane(await method.reconstruct(lr, scale, hr.width, hr.height), method.name));
if (values.truth) panes.push(await pane(hr, 'original'));
const gap = 6;
const width = panes.length * w * zoom + (panes.length - 1) * gap;
await sharp({ create: { width, height: h * zoom + 22, channels: 3, background: '#fff' } })
  .composite(panes.map((input, i) => ({ input, top: 0, left: i * (w * zoom + gap) })))
  // WebP for the docs (a quarter of the PNG's size), PNG otherwise.
  .toFormat(values.out.endsWith('.webp') ? 'webp' : 'png', values.out.endsWith('.webp') ? { quality: 92 } : { compressionLevel: 9 })
  .toFile(values.out);
console.log(
  `${values.out}: ${methods.map((m) => m.name).join(' | ')}${values.truth ? ' | original' : ''} (${name}, seed ${values.seed}, ×${scale})`,
);
