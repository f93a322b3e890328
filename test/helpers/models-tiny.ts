/**
 * Tiny SR models built in code (GraphBuilder), for tests that need a real ONNX model without training one.
 * Every model is a real, runnable ONNX file with SR Studio metadata, small enough to run a 100×100 image in
 * milliseconds. Weights are small pseudo-random values from a fixed seed, added to an identity path, so the
 * output looks like the input (sane content) while the receptive field is real (tiling seams would show).
 *
 * Kinds:
 * - `y-upsampled-same`:  SRCNN-shaped (conv5·8, ReLU, conv1·4, ReLU, conv3·1, plus the input), same padding; halo 3.
 * - `y-upsampled-valid`: the same with valid convolutions: output is 6 pixels smaller than the input; halo 3.
 * - `y-identity`:        a 1×1 conv with weight 1: output == its bicubic-upsampled input, so the whole pipeline
 *                        reproduces MATLAB bicubic (for Y; CbCr are bicubic anyway).
 * - `y-lr`:              LR input: conv3·s², DepthToSpace(s) (CRD) initialised near nearest-neighbour; halo 1.
 * - `rgb-lr`:            the same on three channels.
 * - `rgb-upsampled`:     conv3·3 on the bicubic-upsampled RGB, near identity; halo 1.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { GraphBuilder } from '../../src/engine/onnx/graph-builder.ts';
import { seededRandom } from '../../src/engine/seeded-random.ts';
import { MODEL_META_KEY, type ModelMeta } from '../../src/shared/model-meta.ts';

export type TinyModelKind = 'y-upsampled-same' | 'y-upsampled-valid' | 'y-identity' | 'y-lr' | 'rgb-lr' | 'rgb-upsampled';

export const TINY_MODEL_KINDS: readonly TinyModelKind[] = [
  'y-upsampled-same',
  'y-upsampled-valid',
  'y-identity',
  'y-lr',
  'rgb-lr',
  'rgb-upsampled',
];

export interface TinyModelOptions {
  /** Native scale (default 2). For `lr` kinds it is the DepthToSpace block size. */
  scale?: number;
  /** Model id in the metadata (default `tiny-<kind>-x<scale>`). */
  id?: string;
  /** Write the SR Studio metadata (default true). False gives a "foreign" model, as `models import` receives. */
  withMeta?: boolean;
  /** Architecture in the metadata (default `tiny-<kind>`); e.g. `srcnn-9-5-5` to stand in for a bundled default. */
  architecture?: string;
  /** Seed of the pseudo-random weights (default 1). */
  seed?: number;
}

function randomWeights(rand: () => number, count: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: count }, () => (rand() * 2 - 1) * amplitude);
}

export function tinyModelMeta(kind: TinyModelKind, options: TinyModelOptions = {}): ModelMeta {
  const scale = options.scale ?? 2;
  const colorMode = kind.startsWith('rgb') ? 'rgb' : 'y';
  const inputKind = kind.endsWith('lr') ? 'lr' : 'upsampled';
  const halo = kind === 'y-identity' ? 0 : kind.startsWith('y-upsampled') ? 3 : 1;
  return {
    id: options.id ?? `tiny-${kind}-x${scale}`,
    name: `Tiny ${kind} ×${scale} (test fixture)`,
    architecture: options.architecture ?? `tiny-${kind}`,
    scale,
    colorMode,
    inputKind,
    valueRange: [0, 1],
    halo,
    provenance: 'built in code by test/helpers/models-tiny.ts',
    scores: {},
  };
}

/** The ONNX bytes of a tiny model. */
export function tinyModelBytes(kind: TinyModelKind, options: TinyModelOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  const rand = seededRandom(options.seed ?? 1);
  const channels = kind.startsWith('rgb') ? 3 : 1;
  const g = new GraphBuilder();
  const x = g.input('input', ['N', channels, 'H', 'W']);
  let y: string;
  if (kind === 'y-identity') {
    y = g.op('Conv', [x, g.initializer('w_identity', [1, 1, 1, 1], Float32Array.of(1))], {});
  } else if (kind === 'y-upsampled-same' || kind === 'y-upsampled-valid') {
    const valid = kind === 'y-upsampled-valid';
    const pads = (k: number) => (valid ? [0, 0, 0, 0] : [k, k, k, k]);
    const w1 = g.initializer('w1', [8, 1, 5, 5], randomWeights(rand, 8 * 25, 0.2));
    const b1 = g.initializer('b1', [8], randomWeights(rand, 8, 0.05));
    const w2 = g.initializer('w2', [4, 8, 1, 1], randomWeights(rand, 32, 0.3));
    const b2 = g.initializer('b2', [4], randomWeights(rand, 4, 0.05));
    const w3 = g.initializer('w3', [1, 4, 3, 3], randomWeights(rand, 36, 0.1));
    const b3 = g.initializer('b3', [1], randomWeights(rand, 1, 0.01));
    const h1 = g.op('Relu', [g.op('Conv', [x, w1, b1], { pads: pads(2) })]);
    const h2 = g.op('Relu', [g.op('Conv', [h1, w2, b2], {})]);
    const residual = g.op('Conv', [h2, w3, b3], { pads: pads(1) });
    // The identity path, cropped by the 3 pixels the valid convolutions lose on each side.
    const skip = valid ? g.op('Slice', [x, g.ints([3, 3]), g.ints([-3, -3]), g.ints([2, 3])]) : x;
    y = g.op('Add', [skip, residual]);
  } else if (kind === 'rgb-upsampled') {
    const w = randomWeights(rand, 3 * 3 * 9, 0.02);
    for (let c = 0; c < 3; c++) w[(c * 3 + c) * 9 + 4] += 1;
    y = g.op('Conv', [x, g.initializer('w', [3, 3, 3, 3], w), g.initializer('b', [3], randomWeights(rand, 3, 0.01))], {
      pads: [1, 1, 1, 1],
    });
  } else {
    // LR kinds: conv3 to C·s² channels, DepthToSpace CRD: output channel c, sub-pixel k reads conv channel c·s²+k.
    const outC = channels * scale * scale;
    const w = randomWeights(rand, outC * channels * 9, 0.02);
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < scale * scale; k++) w[((c * scale * scale + k) * channels + c) * 9 + 4] += 1;
    }
    const conv = g.op(
      'Conv',
      [x, g.initializer('w', [outC, channels, 3, 3], w), g.initializer('b', [outC], randomWeights(rand, outC, 0.01))],
      {
        pads: [1, 1, 1, 1],
      },
    );
    y = g.op('DepthToSpace', [conv], { blocksize: scale, mode: 'CRD' });
  }
  g.op('Identity', [y], {}, 'output');
  g.output('output', ['N', channels, 'OH', 'OW']);
  const meta: Record<string, string> = options.withMeta === false ? {} : { [MODEL_META_KEY]: JSON.stringify(tinyModelMeta(kind, options)) };
  return g.toModel(meta, `tiny-${kind}`);
}

/** Writes a tiny model into `dir` and returns its path (`<id>.onnx`). */
export async function writeTinyModel(dir: string, kind: TinyModelKind, options: TinyModelOptions = {}): Promise<string> {
  const id = options.id ?? tinyModelMeta(kind, options).id;
  const file = path.join(dir, `${id}.onnx`);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, tinyModelBytes(kind, options));
  return file;
}
