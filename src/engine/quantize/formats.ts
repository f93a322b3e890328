import { SrError } from '../errors.ts';

/** What `models quantize --format` accepts. Only int8 is offered; bf16 is named so that asking for it says why not. */
export const QUANTIZE_FORMATS = ['int8', 'bf16'] as const;
export type QuantizeFormat = (typeof QUANTIZE_FORMATS)[number];

/**
 * bf16 is not offered, by measurement (test/engine/quantize/formats.test.ts keeps this true for the bundled
 * runtime): ONNX Runtime 1.30's CPU provider has no bfloat16 convolution (a bfloat16 Conv, valid from opset 22,
 * fails to load: "Could not find an implementation for Conv(22)"), and a float16 Conv runs as float32 between two
 * Casts, so either would only add conversions to the float32 path. It needs a runtime with bf16 kernels (oneDNN
 * on AMX/AVX512-BF16, or ARM's SVE/NEON bf16 path), which the one compute runtime here does not have.
 */
export function assertFormatOffered(format: string): asserts format is 'int8' {
  if (format === 'int8') return;
  if (format === 'bf16') {
    throw new SrError(
      'BAD_ARGUMENT',
      'bf16 quantisation is not offered: ONNX Runtime 1.30 on the CPU has no bfloat16 convolution kernel, so a bf16 model would run slower than float32',
      'Use --format int8 (uint8 activations, int8 weights: the int8 dot-product instructions of current x86 and ARM CPUs).',
    );
  }
  throw new SrError('BAD_ARGUMENT', `Unknown --format "${format}"`, `Use ${QUANTIZE_FORMATS.join(' or ')}.`);
}
