import { SrError } from '../errors.ts';

/** How a network's input patch lines up with its label patch. */
export interface PatchGeometry {
  scale: number;
  /** `upsampled`: input planes have the HR size (SRCNN); `lr`: they are 1/scale of it (FSRCNN, ESPCN). */
  inputKind: 'upsampled' | 'lr';
  /** Side of the network's input patch, in input-plane pixels. */
  inputSize: number;
  /** Side of the network's output (and so the label), in HR pixels. */
  outputSize: number;
  /** Offset of the label inside the HR region covered by the input patch: valid convolutions shrink the output. */
  labelOffset: number;
}

/** HR pixels per input pixel. */
export function inputFactor(geometry: Pick<PatchGeometry, 'scale' | 'inputKind'>): number {
  return geometry.inputKind === 'lr' ? geometry.scale : 1;
}

/**
 * `patch` is the side of the HR region a training sample covers (33 in the SRCNN paper); the network sees it
 * upsampled (same size) or as LR (patch/scale), and its output is centred in that region.
 */
export function patchGeometry(
  scale: number,
  inputKind: 'upsampled' | 'lr',
  patch: number,
  outputSizeFor: (inputSize: number) => number,
): PatchGeometry {
  const factor = inputKind === 'lr' ? scale : 1;
  if (!Number.isInteger(patch) || patch < 1 || patch % factor !== 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Patch size ${patch} does not fit scale ×${scale}`,
      `Use a patch size that is a multiple of ${factor}.`,
    );
  }
  const inputSize = patch / factor;
  const outputSize = outputSizeFor(inputSize);
  const spare = patch - outputSize;
  if (outputSize < 1 || spare < 0 || spare % 2 !== 0) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Patch size ${patch} gives a ${outputSize}×${outputSize} output that cannot be centred in it`,
      'Use a larger patch (for valid convolutions, patch minus output must be even).',
    );
  }
  return { scale, inputKind, inputSize, outputSize, labelOffset: spare / 2 };
}
