/**
 * One scheduled validation: scores the current weights, records them beside bicubic in the store and emits a
 * 'validation' event with the first image as a visual sample. The caller keeps the best weights.
 */
import type { Plane } from '../imaging/image.ts';
import { inputKindOf } from './architectures.ts';
import type { BestScore, RunContext } from './run-context.ts';
import { scoreWeights } from './score-weights.ts';
import type { Score, ValidationSet } from './validation.ts';

export async function runValidationRound(
  run: RunContext,
  validation: ValidationSet,
  provider: string,
  params: Map<string, Float32Array>,
  step: number,
  best: BestScore | null,
): Promise<{ score: Score; isBest: boolean }> {
  const { runId, runs, arch, emit } = run;
  let sampleOutput: Plane | undefined;
  const score = await scoreWeights(arch, params, validation, provider, `run-${runId}-step-${step}`, (out) => {
    sampleOutput ??= out;
  });
  const first = validation.first;
  const sample =
    first && sampleOutput
      ? { name: first.name, inputKind: inputKindOf(arch), input: first.input, output: sampleOutput, truth: first.hrY }
      : undefined;
  const isBest = best === null || score.psnr > best.psnr;
  runs.addMetrics(runId, [
    { step, kind: 'val', name: 'psnr', value: score.psnr },
    { step, kind: 'val', name: 'ssim', value: score.ssim },
    { step, kind: 'bicubic', name: 'psnr', value: validation.bicubic.psnr },
    { step, kind: 'bicubic', name: 'ssim', value: validation.bicubic.ssim },
  ]);
  emit({ type: 'validation', run: runId, step, psnr: score.psnr, ssim: score.ssim, bicubic: validation.bicubic, isBest, sample });
  return { score, isBest };
}
