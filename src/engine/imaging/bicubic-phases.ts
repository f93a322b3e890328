import { RESIZE_KERNELS } from './resize-kernels.ts';

/**
 * MATLAB's bicubic upsampling by an integer factor as a fixed convolution: output pixel (s·y + i, s·x + j) is a
 * 5×5 weighted sum around input pixel (y, x), with one set of weights per phase (i, j). Over an input mirrored by
 * BICUBIC_REACH pixels as imresize mirrors it, a valid convolution with these weights followed by DepthToSpace is
 * imresize(·, s, 'bicubic') exactly (up to float rounding): the weights do not depend on the position, so the
 * border needs no special case. Used by the training graphs' bicubic skip and by the upscaler's photo graph.
 */

/** MATLAB's cubic reaches 2 LR pixels either way when upsampling; 5 taps cover every phase. */
export const BICUBIC_TAPS = 5;
export const BICUBIC_REACH = (BICUBIC_TAPS - 1) / 2;

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
    const row = Array.from({ length: BICUBIC_TAPS }, (_, t) => cubic(t - BICUBIC_REACH - offset));
    const sum = row.reduce((a, b) => a + b, 0);
    taps1d.push(row.map((v) => v / sum));
  }
  const weights = new Float64Array(scale * scale * BICUBIC_TAPS * BICUBIC_TAPS);
  for (let i = 0; i < scale; i += 1) {
    for (let j = 0; j < scale; j += 1) {
      const base = (i * scale + j) * BICUBIC_TAPS * BICUBIC_TAPS;
      for (let ty = 0; ty < BICUBIC_TAPS; ty += 1) {
        for (let tx = 0; tx < BICUBIC_TAPS; tx += 1) weights[base + ty * BICUBIC_TAPS + tx] = taps1d[i][ty] * taps1d[j][tx];
      }
    }
  }
  return weights;
}
