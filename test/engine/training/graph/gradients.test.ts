import { describe, expect, it } from 'vitest';
import { networkOf } from '../../../../src/engine/training/graph/layers.ts';
import { buildForwardLoss, buildGradientGraph, type TrainGraphOptions } from '../../../../src/engine/training/graph/train-step.ts';
import { GRAPH_CASES } from '../../../helpers/training-graph-cases.ts';
import { feedsFor, finiteDifference, indicesToCheck, randomProblem, seededRandom, session } from '../../../helpers/training-graph-fd.ts';

const BATCH = 2;

/** Worst relative error between the graph's gradient and central differences of the forward-loss graph. */
async function worstGradientError(c: (typeof GRAPH_CASES)[number], opts: TrainGraphOptions): Promise<{ worst: number; checked: number }> {
  const forward = await session(buildForwardLoss(c.arch, opts));
  const gradients = buildGradientGraph(c.arch, opts);
  const backward = await session(gradients.bytes);
  const feeds = feedsFor(c.arch, BATCH, c.inputSize, randomProblem(c.arch, BATCH, c.inputSize, 11), 'float64');
  const result = await backward.run(feeds);
  const pick = seededRandom(5);
  let worst = 0;
  let checked = 0;
  for (const name of gradients.paramNames) {
    const analytic = result[gradients.outputs.grad(name)].data as Float64Array;
    for (const index of indicesToCheck(analytic.length, 5, pick)) {
      const numeric = await finiteDifference(forward, feeds, name, index, 1e-6);
      // Relative to the larger of the two, floored so that exact zeros (e.g. masked by ReLU) compare absolutely.
      worst = Math.max(worst, Math.abs(analytic[index] - numeric) / Math.max(Math.abs(numeric), Math.abs(analytic[index]), 1e-4));
      checked += 1;
    }
  }
  await forward.release();
  await backward.release();
  return { worst, checked };
}

describe('train-step gradients match central finite differences (float64)', () => {
  for (const c of GRAPH_CASES) {
    for (const loss of ['mse', 'l1'] as const) {
      it(`${c.label}, ${loss}`, async () => {
        const { worst, checked } = await worstGradientError(c, { batch: BATCH, inputSize: c.inputSize, loss, floatType: 'float64' });
        expect(checked).toBeGreaterThan(20);
        expect(worst).toBeLessThan(1e-4);
      });
    }
  }

  it('every alternative backward spelling kept for profiling is also exact', async () => {
    const variants = [
      { weightGrad: 'gradKernel' as const },
      { weightGrad: 'shiftedMatMul' as const },
      { weightGrad: 'inputKernel' as const },
      { oneByOneWeightGrad: 'gemm' as const, oneByOneInputGrad: 'conv' as const },
      { forwardFromPatches: true, reluMask: 'where' as const },
      { im2colMaxPatch: 0, shiftedMatMulMaxOut: 0 },
      { forward: 'rowShift' as const, weightGrad: 'rowShift' as const, inputGrad: 'rowShift' as const },
      { forward: 'rowShift' as const, rowShiftMinChannels: 0, im2colMaxPatch: 0 },
    ];
    for (const tuning of variants) {
      for (const c of [GRAPH_CASES[0], GRAPH_CASES[3]]) {
        const { worst } = await worstGradientError(c, { batch: BATCH, inputSize: c.inputSize, loss: 'mse', floatType: 'float64', tuning });
        expect(worst, `${c.label} ${JSON.stringify(tuning)}`).toBeLessThan(1e-4);
      }
    }
  });

  it('the cases cover every layer type, padding, 1×1 and strided path', () => {
    const seen = new Set<string>();
    for (const c of GRAPH_CASES) {
      const net = networkOf(c.arch);
      if (net.skip !== 'none') seen.add(`skip-${net.skip}`);
      for (const layer of net.layers) {
        seen.add(layer.type);
        if (layer.type === 'conv') seen.add(layer.k === 1 ? 'conv1x1' : layer.pad === 0 ? 'conv-valid' : 'conv-same');
        if (layer.type === 'deconv') seen.add(`deconv-x${layer.stride}`);
      }
    }
    const expected = [
      'conv',
      'conv1x1',
      'conv-valid',
      'conv-same',
      'deconv',
      'deconv-x2',
      'deconv-x3',
      'relu',
      'prelu',
      'tanh',
      'depthToSpace',
      'skip-input',
      'skip-bicubic',
    ];
    expect([...seen].sort()).toEqual(expect.arrayContaining(expected));
  });
});
