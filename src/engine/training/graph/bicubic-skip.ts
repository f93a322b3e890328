import { bicubicPhaseWeights, BICUBIC_REACH as REACH, BICUBIC_TAPS as TAPS } from '../../imaging/bicubic-phases.ts';
import type { GraphBuilder } from '../../onnx/graph-builder.ts';

/**
 * The global skip of the low-resolution networks: the LR input upsampled ×scale with MATLAB's bicubic, added to
 * the network's output. The network then learns only what bicubic misses, as the '-res' SRCNN does, and starts
 * at bicubic quality instead of at a blank image.
 *
 * Upsampling by an integer factor is a fixed convolution: output pixel (s·y + i, s·x + j) is a 5×5 weighted sum
 * around LR pixel (y, x), with one set of weights per phase (i, j) (imaging/bicubic-phases.ts). So it is one Conv
 * with s² output channels (constant weights) and a DepthToSpace. It has no parameters: the loss gradient reaches the network unchanged.
 */

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
