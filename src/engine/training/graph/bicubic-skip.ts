import { RESIZE_KERNELS } from '../../imaging/resize-kernels.ts';
import type { GraphBuilder } from '../../onnx/graph-builder.ts';

/**
 * The global skip of the low-resolution networks: the LR input upsampled ×scale with MATLAB's bicubic, added to
 * the network's output. The network then learns only what bicubic misses, as the '-res' SRCNN does, and starts
 * at bicubic quality instead of at a blank image.
 *
 * Upsampling by an integer factor is a fixed convolution: output pixel (s·y + i, s·x + j) is a 5×5 weighted sum
 * around LR pixel (y, x), with one set of weights per phase (i, j). So it is one Conv with s² output channels
 * (constant weights) and a DepthToSpace. It has no parameters: the loss gradient reaches the network unchanged.
 */

/** MATLAB's cubic reaches 2 LR pixels either way when upsampling; 5 taps cover every phase. */
const TAPS = 5;
const REACH = (TAPS - 1) / 2;

/**
 * Weights [s², 1, 5, 5]: channel i·s + j holds phase (i, j). MATLAB maps output pixel u (0-based) to input
 * coordinate (u + 0.5)/s − 0.5, so phase i sits (i + 0.5)/s − 0.5 from its LR pixel; each phase's taps are
 * normalised to sum to 1, as imresize does.
 */
export function bicubicPhaseWeights(scale: number): Float64Array {
  const cubic = RESIZE_KERNELS.bicubic.fn;
  const taps1d: number[][] = [];
  for (let phase = 0; phase < scale; phase += 1) {
    const offset = (phase + 0.5) / scale - 0.5;
    const row = Array.from({ length: TAPS }, (_, t) => cubic(t - REACH - offset));
    const sum = row.reduce((a, b) => a + b, 0);
    taps1d.push(row.map((v) => v / sum));
  }
  const weights = new Float64Array(scale * scale * TAPS * TAPS);
  for (let i = 0; i < scale; i += 1) {
    for (let j = 0; j < scale; j += 1) {
      const base = (i * scale + j) * TAPS * TAPS;
      for (let ty = 0; ty < TAPS; ty += 1) {
        for (let tx = 0; tx < TAPS; tx += 1) weights[base + ty * TAPS + tx] = taps1d[i][ty] * taps1d[j][tx];
      }
    }
  }
  return weights;
}

/**
 * Emits bicubic ×scale of `x` [N, 1, h, w] → [N, 1, s·h, s·w]. The border is edge-replicated (MATLAB mirrors:
 * the two differ only in the outermost LR pixel's far tap, a weight below 0.03, and those pixels are shaved in
 * evaluation and cropped by the tiler).
 */
export function emitBicubicUpsample(g: GraphBuilder, x: string, scale: number, conv: PhaseConv = plainConv(g)): string {
  const padded = g.op('Pad', [x, g.ints([0, 0, REACH, REACH, 0, 0, REACH, REACH])], { mode: 'edge' });
  const kernel = g.constant([scale * scale, 1, TAPS, TAPS], bicubicPhaseWeights(scale), 'bicubic_skip');
  return g.op('DepthToSpace', [conv(padded, kernel, TAPS)], { blocksize: scale, mode: 'CRD' });
}

/** A valid (unpadded) k×k convolution; the training graph passes its own, since ORT has no float64 Conv. */
export type PhaseConv = (input: string, kernel: string, k: number) => string;

function plainConv(g: GraphBuilder): PhaseConv {
  return (input, kernel, k) => g.op('Conv', [input, kernel], { kernel_shape: [k, k] });
}
