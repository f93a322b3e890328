/**
 * The numbers of static int8 quantisation in the form ONNX Runtime's x86/ARM int8 kernels run fastest: activations
 * uint8 with a zero point (x ≈ scale·(q − zeroPoint)), weights int8 symmetric per output channel (zero point 0),
 * biases int32 at scale (activation scale × weight scale). All arithmetic is deterministic, so the same model and
 * calibration give the same bytes.
 */

export interface Affine {
  scale: number;
  zeroPoint: number;
}

/** The uint8 mapping of [lo, hi], widened to hold 0 exactly (ReLU zeros and zero padding must stay exact). */
export function uint8Affine(lo: number, hi: number): Affine {
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0, low + 1e-6);
  const scale = Math.fround((high - low) / 255);
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

export interface ChannelWeights {
  values: Int8Array;
  /** One scale per output channel. */
  scales: Float32Array;
}

/**
 * Symmetric int8 per output channel: scale = max|w| / 127, values in [−127, 127]. `channelOf(i)` maps a flat weight
 * index to its output channel (axis 0 for Conv weights).
 */
export function int8PerChannel(weights: Float32Array, channels: number, channelOf: (i: number) => number): ChannelWeights {
  const peak = new Float32Array(channels);
  for (let i = 0; i < weights.length; i++) {
    const c = channelOf(i);
    peak[c] = Math.max(peak[c], Math.abs(weights[i]));
  }
  // An all-zero channel still needs a positive scale.
  const scales = Float32Array.from(peak, (p) => (p > 0 ? p / 127 : 1));
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = Math.max(-127, Math.min(127, Math.round(weights[i] / scales[channelOf(i)])));
  return { values, scales };
}

/** int32 biases at scale inputScale·weightScale[c], as the int8 convolution accumulates them. */
export function int32Bias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { values: Int32Array; scales: Float32Array } {
  const scales = Float32Array.from(weightScales, (s) => Math.fround(s * inputScale));
  const values = Int32Array.from(bias, (b, c) => Math.max(-(2 ** 31) + 1, Math.min(2 ** 31 - 1, Math.round(b / scales[c]))));
  return { values, scales };
}
