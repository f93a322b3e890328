/** Scores the current weights on the validation set through the exported inference graph, exactly as the model file will run. */
import * as ort from 'onnxruntime-node';
import type { Plane } from '../imaging/image.ts';
import { openSession, releaseSessionsFor } from '../models/session.ts';
import { type ArchSpec, archName, inputKindOf, receptiveRadius } from './architectures.ts';
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
  const bytes = buildInferenceModel(arch, params, {
    id: 'validation',
    name: 'validation',
    architecture: archName(arch),
    scale: arch.scale,
    colorMode: 'y',
    inputKind: inputKindOf(arch),
    valueRange: [0, 1],
    halo: Math.ceil(receptiveRadius(arch)),
    provenance: '',
    scores: {},
  });
  const model = await openSession(bytes, { device: provider === 'cpu' ? 'cpu' : 'auto' }, source);
  try {
    // Replicate-pad by the receptive radius and crop it off again, as the upscaler's tiling does, so the
    // exported graph's zero padding never reaches a scored pixel.
    const halo = Math.ceil(receptiveRadius(arch));
    const outScale = inputKindOf(arch) === 'lr' ? arch.scale : 1;
    return await set.score(async (input) => {
      const padded = padReplicate(input, halo);
      const out = await model.session.run({
        [model.inputName]: new ort.Tensor('float32', padded.data, [1, 1, padded.height, padded.width]),
      });
      const tensor = out[model.outputName];
      const [, , height, width] = tensor.dims as number[];
      const output = crop({ width, height, data: tensor.data as Float32Array }, halo * outScale);
      onOutput?.(output);
      return output;
    });
  } finally {
    await releaseSessionsFor(source);
  }
}
