import { describe, expect, it } from 'vitest';
import { buildGradientGraph, type TrainGraphOptions } from '../../../../src/engine/training/graph/train-step.ts';
import type { Tuning } from '../../../../src/engine/training/graph/tuning.ts';
import { GRAPH_CASES } from '../../../helpers/training-graph-cases.ts';
import { feedsFor, randomProblem, session } from '../../../helpers/training-graph-fd.ts';

/**
 * The float64 graphs spell Conv/ConvTranspose with Slice+MatMul (ORT has no float64 Conv), and the finite-difference
 * checks run on those. Here the float32 graphs — ORT's real Conv, ConvTranspose and one-hot im2col kernels — must
 * give the same gradients, which shows both spellings compute the same thing.
 */
const BATCH = 3;

async function gradients(c: (typeof GRAPH_CASES)[number], opts: TrainGraphOptions): Promise<Map<string, Float64Array>> {
  const graph = buildGradientGraph(c.arch, opts);
  const s = await session(graph.bytes);
  const values = randomProblem(c.arch, BATCH, c.inputSize, 23);
  const result = await s.run(feedsFor(c.arch, BATCH, c.inputSize, values, opts.floatType ?? 'float32'));
  const out = new Map<string, Float64Array>([['loss', Float64Array.from(result.loss.data as ArrayLike<number>)]]);
  for (const name of graph.paramNames) out.set(name, Float64Array.from(result[graph.outputs.grad(name)].data as ArrayLike<number>));
  await s.release();
  return out;
}

function expectClose(actual: Map<string, Float64Array>, expected: Map<string, Float64Array>, label: string): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, want] of expected) {
    const got = actual.get(name)!;
    const scale = Math.max(1e-3, ...Array.from(want, Math.abs));
    let worst = 0;
    for (let i = 0; i < want.length; i += 1) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
    expect(worst, `${label}: ${name}`).toBeLessThan(1e-4);
  }
}

describe('float32 graphs (ORT kernels) agree with the float64 graphs', () => {
  for (const c of GRAPH_CASES) {
    it(c.label, async () => {
      const base = { batch: BATCH, inputSize: c.inputSize, loss: 'mse' as const };
      const reference = await gradients(c, { ...base, floatType: 'float64' });
      expectClose(await gradients(c, { ...base, floatType: 'float32' }), reference, 'default');
      // A dynamic-batch graph is the same graph.
      expectClose(await gradients(c, { ...base, batch: 'dynamic', floatType: 'float32' }), reference, 'dynamic');
    });
  }

  it('the float32 alternatives kept for profiling agree too', async () => {
    const variants: Partial<Tuning>[] = [
      { inputGrad: 'convTranspose' },
      { weightGrad: 'gradKernel' },
      { weightGrad: 'shiftedMatMul' },
      { weightGrad: 'inputKernel' },
      { oneByOneWeightGrad: 'gemm', oneByOneInputGrad: 'conv' },
      { forwardFromPatches: true, reluMask: 'where' },
      { im2colMaxPatch: 0 },
      { shiftedMatMulMaxOut: 0 },
      { forward: 'rowShift', weightGrad: 'rowShift', inputGrad: 'rowShift' },
      { forward: 'rowShift', rowShiftMinChannels: 0, im2colMaxPatch: 0 },
    ];
    for (const c of [GRAPH_CASES[1], GRAPH_CASES[4]]) {
      const base = { batch: BATCH, inputSize: c.inputSize, loss: 'mse' as const };
      const reference = await gradients(c, { ...base, floatType: 'float64' });
      for (const tuning of variants) expectClose(await gradients(c, { ...base, tuning }), reference, JSON.stringify(tuning));
    }
  });
});
