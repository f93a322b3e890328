/** Scores weights on the validation set through the exported inference graph, exactly as the model file will run. */
import * as ort from 'onnxruntime-node';
import type { Plane } from '../imaging/image.ts';
import { openSession, releaseSessionsFor } from '../models/session.ts';
import { type ArchSpec, inputKindOf, receptiveRadius } from './architectures.ts';
import { archModelMeta } from './export-model.ts';
import { buildInferenceModel } from './graph/index.ts';
import { crop, padReplicate } from './plane-pad.ts';
import type { Score, ValidationSet } from './validation.ts';

export async function scoreWeights(
  arch: ArchSpec,
  params: Map<string, Float32Array>,
  set: ValidationSet,
  provider: string,
  source: string,
  /** Sees each image's output, in set order (the host keeps the first as a visual sample). */
  onOutput?: (output: Plane) => void,
): Promise<Score> {
  const bytes = buildInferenceModel(
    arch,
    params,
    archModelMeta(arch, { id: 'validation', name: 'validation', provenance: '', scores: {} }),
  );
  const outScale = inputKindOf(arch) === 'lr' ? arch.scale : 1;
  return scoreModel(bytes, set, { halo: Math.ceil(receptiveRadius(arch)), outScale, provider, source, onOutput });
}

export interface ScoreModelOptions {
  /** Receptive radius in input pixels: the replicate padding that keeps the graph's zero padding off scored pixels. */
  halo: number;
  /** Output pixels per input pixel (1 for pre-upsampled input). */
  outScale: number;
  provider: string;
  source: string;
  onOutput?: (output: Plane) => void;
}

/** Scores a Y model (its ONNX bytes) on the validation set, one whole image per run. */
export async function scoreModel(bytes: Uint8Array, set: ValidationSet, options: ScoreModelOptions): Promise<Score> {
  const { halo, outScale, source } = options;
  const model = await openSession(bytes, { device: options.provider === 'cpu' ? 'cpu' : 'auto' }, source);
  const session = await model.onThread();
  try {
    // Replicate-pad by the receptive radius and crop it off again, as the upscaler's tiling does, so the
    // graph's zero padding never reaches a scored pixel.
    return await set.score(async (input) => {
      const padded = padReplicate(input, halo);
      const out = await session.run({
        [model.inputName]: new ort.Tensor('float32', padded.data, [1, 1, padded.height, padded.width]),
      });
      const tensor = out[model.outputName];
      const [, , height, width] = tensor.dims as number[];
      const output = crop({ width, height, data: tensor.data as Float32Array }, halo * outScale);
      options.onOutput?.(output);
      return output;
    });
  } finally {
    await releaseSessionsFor(source);
  }
}
