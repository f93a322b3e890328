/**
 * Small models made by SR Studio's own exporter (buildInferenceModel), with pseudo-random He-scaled weights: the
 * exact graphs the trainer ships (same padding, the '-res' skips, FSRCNN's PReLUs, deconvolution and in-graph
 * bicubic), at widths that run in milliseconds. For the int8 quantiser's tests, which need real conv stacks.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../../src/engine/seeded-random.ts';
import { archName, paramSpecs, parseArch } from '../../src/engine/training/architectures.ts';
import { archModelMeta } from '../../src/engine/training/export-model.ts';
import { buildInferenceModel } from '../../src/engine/training/graph/index.ts';
import type { ModelMeta } from '../../src/shared/model-meta.ts';
import { photoLikeImage } from './models-photo.ts';

/** e.g. exportedModel('srcnn-5-3-3-same-res-n16-8', 2) or exportedModel('fsrcnn-16-8-1-res', 3). */
export function exportedModel(arch: string, scale: number, id: string, seed = 1): { bytes: Uint8Array; meta: ModelMeta } {
  const spec = parseArch(arch, scale);
  const rand = seededRandom(seed);
  const params = new Map<string, Float32Array>();
  for (const p of paramSpecs(spec)) {
    const count = p.shape.reduce((a, b) => a * b, 1);
    // He-scaled (halved, so that stacks stay tame), PReLU slopes spread over [0.05, 0.45], small biases.
    const sigma = p.kind === 'weight' ? Math.sqrt(2 / p.fanIn) / 2 : 0.02;
    params.set(
      p.name,
      Float32Array.from({ length: count }, () => (p.kind === 'prelu' ? 0.05 + 0.4 * rand() : sigma * (rand() * 2 - 1) * 1.7)),
    );
  }
  const meta = archModelMeta(spec, {
    id,
    name: `${archName(spec)} ×${scale} (test fixture)`,
    provenance: 'built by test/helpers/models-exported.ts',
    scores: {},
  });
  return { bytes: buildInferenceModel(spec, params, meta), meta };
}

/** Writes `exportedModel` as `<dir>/<id>.onnx` and returns the path. */
export async function writeExportedModel(dir: string, arch: string, scale: number, id: string, seed = 1): Promise<string> {
  const file = path.join(dir, `${id}.onnx`);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, exportedModel(arch, scale, id, seed).bytes);
  return file;
}

/** A folder of `count` photo-like PNGs (different seeds) of size×size, for calibration. */
export async function photoFolder(dir: string, count: number, size: number): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const image = photoLikeImage(size, size, 3, 11 + i);
    await sharp(image.data, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toFile(path.join(dir, `photo-${i}.png`));
  }
  return dir;
}
