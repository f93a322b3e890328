/**
 * Compare-screen latency (npm run bench:preview [-- --mp 12] [--warm 5] [--random]). Prints numbers; asserts nothing.
 *
 * Five panes (nearest, bilinear, bicubic, lanczos3, an SRCNN 9-5-5-shaped model) for a 256×256 output region at ×3,
 * engine side included: region crop with halo, resampling / ORT, PNG tiles written to the tile cache. The model is
 * the bundled `resources/models/srcnn-x3.onnx` when present, else SRCNN 9-5-5 with random weights (speed does not
 * depend on the values; `--random` forces it). The first call decodes the photo and opens the ORT session; warm calls move the region
 * over the cached photo, as dragging does; then evaluate-mode calls (protocol degradation around the region,
 * PSNR/SSIM per pane). Target: warm < 0.5 s on the 2-core dev machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { LoadedModel } from '../src/engine/models/loaded-model.ts';
import { loadModel } from '../src/engine/models/registry.ts';
import { GraphBuilder } from '../src/engine/onnx/graph-builder.ts';
import { PhotoCache } from '../src/engine/preview/photo-cache.ts';
import { previewTiles } from '../src/engine/preview/preview-service.ts';
import type { PreviewMethodRef } from '../src/engine/preview/render-preview.ts';
import { MODEL_META_KEY, type ModelMeta } from '../src/shared/model-meta.ts';
import { photoLikeImage } from '../test/helpers/models-photo.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** SRCNN 9-5-5 (64, 32 filters), same padding, Y on the bicubic-upsampled input, random weights. */
function randomSrcnn955(dir: string): string {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const g = new GraphBuilder();
  let x = g.input('input', ['N', 1, 'H', 'W']);
  const layers: [number, number, number][] = [
    [64, 1, 9],
    [32, 64, 5],
    [1, 32, 5],
  ];
  layers.forEach(([o, c, k], i) => {
    const w = Float32Array.from({ length: o * c * k * k }, () => rand() * Math.sqrt(2 / (c * k * k)));
    const b = new Float32Array(o);
    const p = (k - 1) / 2;
    x = g.op('Conv', [x, g.initializer(`w${i}`, [o, c, k, k], w), g.initializer(`b${i}`, [o], b)], { pads: [p, p, p, p] });
    if (i < layers.length - 1) x = g.op('Relu', [x]);
  });
  g.op('Identity', [x], {}, 'output');
  g.output('output', ['N', 1, 'H', 'W']);
  const meta: ModelMeta = {
    id: 'bench-srcnn-9-5-5-x3',
    name: 'SRCNN 9-5-5 ×3 (random weights)',
    architecture: 'srcnn-9-5-5',
    scale: 3,
    colorMode: 'y',
    inputKind: 'upsampled',
    valueRange: [0, 1],
    halo: 8,
    provenance: 'bench/preview.bench.ts: random weights',
    scores: {},
  };
  const file = path.join(dir, `${meta.id}.onnx`);
  fs.writeFileSync(file, g.toModel({ [MODEL_META_KEY]: JSON.stringify(meta) }));
  return file;
}

async function main(): Promise<void> {
  const mp = arg('mp', 12);
  const warmRuns = arg('warm', 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-preview-bench-'));
  try {
    const bundled = path.resolve('resources/models/srcnn-x3.onnx');
    const modelFile = fs.existsSync(bundled) && !process.argv.includes('--random') ? bundled : randomSrcnn955(dir);
    const model: LoadedModel = await loadModel(modelFile, { stateDir: dir });
    const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
    const height = Math.round((width * 3) / 4);
    const photoPath = path.join(dir, 'photo.png');
    const photo = photoLikeImage(width, height);
    await sharp(photo.data, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toFile(photoPath);
    console.log(
      `photo ${width}×${height} (${mp} MP), model ${model.meta.id} (${path.basename(modelFile)}), ${os.availableParallelism()} CPUs`,
    );

    const methods: PreviewMethodRef[] = [
      { interpolation: 'nearest' },
      { interpolation: 'bilinear' },
      { interpolation: 'bicubic' },
      { interpolation: 'lanczos3' },
      { model: model.meta.id },
    ];
    const context = { stateDir: dir, photos: new PhotoCache(), resolveModel: async () => model };
    // 256×256 output at ×3: an 86×86 source region (258×258 out).
    const side = Math.ceil(256 / 3);
    const call = async (x: number, y: number, evaluate = false) => {
      const started = performance.now();
      const region = { x, y, width: side, height: side };
      const result = await previewTiles({ image: photoPath, region, scale: 3, methods, evaluate }, context);
      return { seconds: (performance.now() - started) / 1000, result };
    };

    const first = await call(Math.floor(width / 2), Math.floor(height / 2));
    console.log(`first call (decode + session + 5 panes): ${first.seconds.toFixed(3)} s`);
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) {
      const { seconds, result } = await call(Math.floor(width / 2) + 37 * (i + 1), Math.floor(height / 2) + 23 * (i + 1));
      warm.push(seconds);
      if (i === warmRuns - 1) {
        console.log(
          `  per pane (last warm call): ${result.tiles.map((t) => `${'model' in t.method ? 'model' : t.method.interpolation} ${(t.seconds * 1000).toFixed(1)} ms`).join(', ')}`,
        );
      }
    }
    warm.sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)];
    console.log(`warm calls (${warmRuns}): median ${median.toFixed(3)} s, min ${warm[0].toFixed(3)} s, max ${warm.at(-1)!.toFixed(3)} s`);
    console.log(`target < 0.5 s warm: ${median < 0.5 ? 'met' : 'NOT met'}`);
    // Evaluate mode: the region is in degraded-photo pixels; the degradation is computed around it only.
    const evaluated: number[] = [];
    for (let i = 0; i < warmRuns; i++) {
      evaluated.push((await call(Math.floor(width / 6) + 11 * i, Math.floor(height / 6) + 7 * i, true)).seconds);
    }
    evaluated.sort((a, b) => a - b);
    console.log(`evaluate mode (${warmRuns}, scored): median ${evaluated[Math.floor(evaluated.length / 2)].toFixed(3)} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
