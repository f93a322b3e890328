/**
 * The int8 twin of a bench model, made the way `srstudio models quantize` makes one (calibrateInt8 + buildInt8 on a
 * few hundred patches of photo-like images, degraded by the protocol), without the scoring, which a speed bench
 * does not need.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { LoadedModel } from '../src/engine/models/loaded-model.ts';
import { setMetadataProp } from '../src/engine/onnx/metadata-props.ts';
import { cutPatches } from '../src/engine/quantize/calibrate.ts';
import { buildInt8, calibrateInt8, type LayerReport } from '../src/engine/quantize/int8-model.ts';
import { ValidationSet } from '../src/engine/training/validation.ts';
import { MODEL_META_KEY } from '../src/shared/model-meta.ts';
import { photoLikeImage } from '../test/helpers/models-photo.ts';

export async function int8Variant(parent: LoadedModel, dir: string): Promise<{ model: LoadedModel; layers: LayerReport[] }> {
  const photos: string[] = [];
  for (const seed of [3, 4, 5, 6]) {
    const file = path.join(dir, `calibration-${seed}.png`);
    const image = photoLikeImage(240, 240, 3, seed);
    await sharp(image.data, { raw: { width: 240, height: 240, channels: 3 } })
      .png()
      .toFile(file);
    photos.push(file);
  }
  const { meta } = parent;
  const set = await ValidationSet.load(photos, meta.scale, meta.inputKind);
  const patches = cutPatches(set.inputs, 2 * meta.halo + 32, meta.halo);
  const calibration = await calibrateInt8(fs.readFileSync(parent.path), parent.path, patches, 'mse');
  const { bytes, layers } = buildInt8(calibration);
  const int8Meta = { ...meta, id: `${meta.id}-int8`, name: `${meta.name} · int8` };
  const file = path.join(dir, `${int8Meta.id}.onnx`);
  fs.writeFileSync(file, setMetadataProp(bytes, MODEL_META_KEY, JSON.stringify(int8Meta)));
  return { model: { meta: int8Meta, path: file, source: 'file' }, layers };
}
