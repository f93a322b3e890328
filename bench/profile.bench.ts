// How near `datasets profile` lands to known degradations, and what it costs per photo.
// Run: npx tsx bench/profile.bench.ts [--real DIR] [--count N]   (= srstudio bench profile …)
//   1. synthetic photo-like scenes (test/helpers/profile-photos.ts: sharp's SVG renderer, blur, noise, sharp's libjpeg)
//      at known noise σ, JPEG quality, chroma and blur σ: truth against estimate;
//   2. real photos (default ../shared/datasets/bsd200, first N) given known noise and JPEG on top of their own:
//      the estimate against the truth added, and against what the photo measured before;
//   3. speed on a 12 MP camera-like JPEG: profiling time against sharp decoding the same file (the baseline).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../src/engine/imaging/image.ts';
import { type PhotoProfile, profilePhoto } from '../src/engine/profile/photo-profile.ts';
import { cleanScene, type KnownLook, writeDegraded } from '../test/helpers/profile-photos.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const realDir = path.resolve(option('--real', path.join(import.meta.dirname, '..', '..', 'shared', 'datasets', 'bsd200')));
const realCount = Number(option('--count', '12'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-bench-profile-'));
const LUMA_SHARE = Math.hypot(0.299, 0.587, 0.114);

let written = 0;
async function profiled(image: RgbImage, look: KnownLook): Promise<PhotoProfile> {
  written += 1;
  const file = await writeDegraded(work, `p${written}.${look.quality === undefined ? 'png' : 'jpg'}`, image, { seed: written, ...look });
  return profilePhoto(file);
}

const f1 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));
const f2 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const describe = (look: KnownLook) =>
  look.quality === undefined ? 'PNG' : `JPEG ${look.quality} ${look.chroma ?? '4:2:0'}${look.mozjpeg ? ' (mozjpeg tables)' : ''}`;

try {
  const scenes = await Promise.all([1, 2, 3].map((seed) => cleanScene(640, 480, 300 + seed)));

  console.log('## Synthetic scenes (3 scenes, 640×480; mean estimate, worst |error|)\n');
  console.log(
    '| noise | σ true | saved as | quality found | luma σ found | colour σ found | luma reading (less texture) | unclear below (luma / colour) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const noiseCases: KnownLook[] = [];
  for (const quality of [undefined, 95, 85, 75, 60])
    for (const noise of [0, 1, 2, 3, 5, 8, 12]) noiseCases.push({ noise, grey: true, quality });
  for (const [quality, chroma] of [
    [undefined, undefined],
    [95, '4:4:4'],
    [90, '4:2:0'],
  ] as const) {
    for (const noise of [3, 6, 10]) noiseCases.push({ noise, grey: false, quality, chroma });
  }
  for (const look of noiseCases) {
    const results = await Promise.all(scenes.map((scene) => profiled(scene, look)));
    const luma = results.map((r) => r.noise?.luma ?? Number.NaN);
    const colour = results.map((r) => r.noise?.colour ?? Number.NaN);
    const lumaTruth = look.grey ? (look.noise ?? 0) : (look.noise ?? 0) * LUMA_SHARE;
    const colourTruth = look.grey ? 0 : (look.noise ?? 0);
    const worst = (values: number[], truth: number) => Math.max(...values.map((v) => Math.abs(v - truth)));
    const qualities = [...new Set(results.map((r) => (r.jpeg ? `${r.jpeg.quality}${r.jpeg.standardTables ? '' : '≈'}` : 'none')))].join(
      ', ',
    );
    console.log(
      `| ${look.grey ? 'grey' : 'colour'} | ${look.noise} | ${describe(look)} | ${qualities} | ${f1(mean(luma))} (±${f1(worst(luma, lumaTruth))}) vs ${f1(lumaTruth)} | ${f1(mean(colour))} (±${f1(worst(colour, colourTruth))}) vs ${f1(colourTruth)} | ${f2(mean(results.map((r) => r.noise?.measured.y ?? Number.NaN)))} | ${results[0].noise?.lumaHidden} / ${results[0].noise?.colourHidden} |`,
    );
  }

  console.log('\n| JPEG saved at | quality found | standard tables | table RMS error |');
  console.log('|---|---|---|---|');
  for (const look of [
    { quality: 20 },
    { quality: 50 },
    { quality: 75 },
    { quality: 90 },
    { quality: 98 },
    { quality: 90, chroma: '4:4:4' as const },
    { quality: 60, mozjpeg: true },
    { quality: 85, mozjpeg: true },
  ]) {
    const r = await profiled(scenes[0], look);
    console.log(`| ${describe(look)} | ${r.jpeg?.quality} | ${r.jpeg?.standardTables ? 'yes' : 'no'} | ${f2(r.jpeg?.tableError)} |`);
  }

  console.log('\n| blur σ true | also | blur σ found (mean, worst |error|) | class of the mean |');
  console.log('|---|---|---|---|');
  for (const look of [
    { blur: 0 },
    { blur: 0.5 },
    { blur: 0.8 },
    { blur: 1.2 },
    { blur: 1.6 },
    { blur: 2.2 },
    { blur: 3 },
    { blur: 0.8, noise: 3, grey: true, quality: 85 },
    { blur: 1.6, noise: 6, grey: false, quality: 80 },
  ] as KnownLook[]) {
    const results = await Promise.all(scenes.map((scene) => profiled(scene, look)));
    const sigma = results.map((r) => r.blur?.sigma ?? Number.NaN);
    const also = look.noise ? `noise ${look.grey ? 'grey' : 'colour'} σ ${look.noise}, ${describe(look)}` : '';
    const { sharpnessOf } = await import('../src/engine/profile/summarise.ts');
    console.log(
      `| ${look.blur} | ${also} | ${f2(mean(sigma))} (±${f2(Math.max(...sigma.map((s) => Math.abs(s - (look.blur ?? 0)))))}) | ${sharpnessOf(mean(sigma))} |`,
    );
  }

  if (fs.existsSync(realDir)) {
    const names = fs
      .readdirSync(realDir)
      .filter((n) => /\.(png|jpe?g)$/i.test(n))
      .sort()
      .slice(0, realCount);
    const photos = await Promise.all(
      names.map(async (name) => {
        const { data, info } = await sharp(path.join(realDir, name))
          .removeAlpha()
          .toColourspace('srgb')
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, channels: 3 as const, data: new Uint8Array(data) };
      }),
    );
    console.log(`\n## Real photos: ${names.length} of ${realDir}, with known noise and JPEG added (medians over the photos)\n`);
    console.log('| added | saved as | luma σ found | truth: added ⊕ own | own (as lossless PNG) | blur σ found |');
    console.log('|---|---|---|---|---|---|');
    const own = await Promise.all(photos.map((p) => profiled(p, {})));
    const ownLuma = own.map((r) => r.noise?.luma ?? 0);
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    console.log(
      `| nothing | PNG | ${f1(median(ownLuma))} | – | ${f1(median(ownLuma))} | ${f2(median(own.map((r) => r.blur?.sigma ?? 0)))} |`,
    );
    for (const look of [
      { noise: 0, quality: 90 },
      { noise: 3, grey: true, quality: 90 },
      { noise: 5, grey: true, quality: 85 },
      { noise: 8, grey: true, quality: 75 },
      { noise: 6, grey: false, quality: 92 },
      { blur: 1.5 },
    ] as KnownLook[]) {
      const results = await Promise.all(photos.map((p) => profiled(p, look)));
      const added = look.noise ? (look.grey ? look.noise : look.noise * LUMA_SHARE) : 0;
      // Independent noises add in quadrature: the photo's own and the one added.
      const truth = ownLuma.map((o) => Math.hypot(o, added));
      const what = look.blur ? `blur σ ${look.blur}` : look.noise ? `${look.grey ? 'grey' : 'colour'} noise σ ${look.noise}` : 'nothing';
      console.log(
        `| ${what} | ${describe(look)} | ${f1(median(results.map((r) => r.noise?.luma ?? 0)))} | ${f1(median(truth))} | ${f1(median(ownLuma))} | ${f2(median(results.map((r) => r.blur?.sigma ?? 0)))} |`,
      );
    }
  } else {
    console.log(`\n(no real photos at ${realDir}: pass --real DIR)`);
  }

  console.log('\n## Speed: one 12 MP camera-like JPEG (4000×3000, quality 90)\n');
  const big = await cleanScene(4000, 3000, 9);
  const bigFile = await writeDegraded(work, 'camera-12mp.jpg', big, { blur: 1, noise: 3, grey: true, quality: 90, seed: 1 });
  // Calibration tables are built once per JPEG setting: profile once to build them, then time.
  await profilePhoto(bigFile);
  const runs = 3;
  let t = performance.now();
  for (let i = 0; i < runs; i++) await sharp(bigFile).raw().toBuffer();
  const decode = (performance.now() - t) / runs / 1000;
  t = performance.now();
  for (let i = 0; i < runs; i++) await profilePhoto(bigFile);
  const profile = (performance.now() - t) / runs / 1000;
  console.log(
    `sharp decode alone (baseline): ${decode.toFixed(2)} s; profile: ${profile.toFixed(2)} s = ${(profile / decode).toFixed(1)}× the decode`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
