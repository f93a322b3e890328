/**
 * The networks bench:infer times, built by SR Studio's own exporter (the graphs the trainer ships, skips included)
 * with random weights (speed does not depend on the values), plus what PyTorch needs to run the same network
 * (bench/reference/pytorch_infer.py) and the useful work per output pixel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bicubicPhaseWeights } from '../src/engine/imaging/bicubic-phases.ts';
import type { LoadedModel } from '../src/engine/models/loaded-model.ts';
import { type ArchSpec, inputKindOf, paramSpecs, parseArch } from '../src/engine/training/architectures.ts';
import { archModelMeta } from '../src/engine/training/export-model.ts';
import { buildInferenceModel } from '../src/engine/training/graph/index.ts';
import { networkOf } from '../src/engine/training/graph/layers.ts';

/**
 * The bundled architectures (SRCNN 9-5-5; FSRCNN 56-32-4 with the bicubic skip and ReLU), the earlier 9-1-5 default,
 * and FSRCNN with the paper's PReLUs, which the bundled FSRCNNs had before ReLU let int8 fold every activation.
 */
export const BENCH_ARCHS = {
  '9-5-5': 'srcnn-9-5-5-same-res',
  '9-1-5': 'srcnn-9-1-5-same-res',
  fsrcnn: 'fsrcnn-56-32-4-res-relu',
  'fsrcnn-prelu': 'fsrcnn-56-32-4-res',
} as const;
export type BenchKind = keyof typeof BENCH_ARCHS;

export interface BenchModel {
  kind: BenchKind;
  model: LoadedModel;
  /** pytorch_infer.py's NETWORK.json and WEIGHTS.bin. */
  torchNetwork: string;
  torchWeights: string;
  /** Useful float operations per output pixel: 2 per multiply-add of the convolutions (activations not counted). */
  flopsPerOutputPixel: number;
}

function macsPerInputPixel(arch: ArchSpec): number {
  let macs = 0;
  for (const layer of networkOf(arch).layers) {
    // A transposed convolution does cin·cout·k² multiply-adds per input pixel, as a convolution does.
    if (layer.type === 'conv' || layer.type === 'deconv') macs += layer.cin * layer.cout * layer.k * layer.k;
  }
  return macs;
}

export function benchModel(dir: string, kind: BenchKind, scale: number): BenchModel {
  const arch = parseArch(BENCH_ARCHS[kind], scale);
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const params = new Map<string, Float32Array>();
  for (const spec of paramSpecs(arch)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const sigma = spec.kind === 'weight' ? Math.sqrt(2 / spec.fanIn) : 0.01;
    params.set(
      spec.name,
      Float32Array.from({ length: count }, () => (spec.kind === 'prelu' ? 0.25 : rand() * sigma)),
    );
  }
  const id = `bench-${kind}-x${scale}`;
  const meta = archModelMeta(arch, {
    id,
    name: `${BENCH_ARCHS[kind]} ×${scale} (random weights)`,
    provenance: 'bench/infer-models.ts',
    scores: {},
  });
  const file = path.join(dir, `${id}.onnx`);
  fs.writeFileSync(file, buildInferenceModel(arch, params, meta));
  const network = networkOf(arch);
  const torchNetwork = path.join(dir, `${id}.json`);
  const torchWeights = path.join(dir, `${id}.bin`);
  fs.writeFileSync(torchNetwork, JSON.stringify({ ...network, scale }));
  const tensors = paramSpecs(arch).map((spec) => params.get(spec.name) as Float32Array);
  if (network.skip === 'bicubic') tensors.push(Float32Array.from(bicubicPhaseWeights(scale)));
  fs.writeFileSync(torchWeights, Buffer.concat(tensors.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  const outPerIn = inputKindOf(arch) === 'lr' ? scale * scale : 1;
  return {
    kind,
    model: { meta, path: file, source: 'file' },
    torchNetwork,
    torchWeights,
    flopsPerOutputPixel: (2 * macsPerInputPixel(arch)) / outPerIn,
  };
}
