import { describe, expect, it } from 'vitest';
import { parseArch } from '../../../../src/engine/training/architectures.ts';
import { layersOf } from '../../../../src/engine/training/graph/layers.ts';
import { buildGradientGraph } from '../../../../src/engine/training/graph/train-step.ts';
import { DEFAULT_TUNING, usesRowShift } from '../../../../src/engine/training/graph/tuning.ts';
import { feedsFor, randomProblem, session } from '../../../helpers/training-graph-fd.ts';

type Conv = Extract<ReturnType<typeof layersOf>[number], { type: 'conv' }>;
const convs = (name: string): Conv[] => layersOf(parseArch(name, 3)).filter((l): l is Conv => l.type === 'conv');

describe('row-shift spellings (row-shift.ts)', () => {
  it('the default tuning uses them only where they won: the weight gradient of wide k×k layers', () => {
    const [, middle] = convs('srcnn-9-5-5');
    expect(usesRowShift(middle, 'weightGrad', DEFAULT_TUNING)).toBe(true);
    expect(usesRowShift(middle, 'inputGrad', DEFAULT_TUNING)).toBe(false);
    expect(usesRowShift(middle, 'forward', DEFAULT_TUNING)).toBe(false);
    // FSRCNN's 12-channel maps lost with them; 1×1 layers have their own MatMul path.
    for (const layer of convs('fsrcnn')) expect(usesRowShift(layer, 'weightGrad', DEFAULT_TUNING), layer.name).toBe(false);
    expect(usesRowShift({ cin: 64, cout: 64, k: 1 }, 'weightGrad', { ...DEFAULT_TUNING, weightGrad: 'rowShift' })).toBe(false);
  });

  it('give the same float32 gradients as the Conv spellings on a wide 5×5 middle layer, valid and same padding', async () => {
    // Wide enough (16·16 ≥ rowShiftMinChannels with the threshold lowered) to take the default 'auto' path.
    for (const padding of ['valid', 'same'] as const) {
      const arch = parseArch(`{"kind":"srcnn","f1":3,"f2":5,"f3":3,"n1":16,"n2":16,"padding":"${padding}"}`, 3);
      const batch = 2;
      const inputSize = 13;
      const values = randomProblem(arch, batch, inputSize, 7);
      const run = async (tuning: object, graphBatch: number | 'dynamic' = batch) => {
        const graph = buildGradientGraph(arch, { batch: graphBatch, inputSize, loss: 'mse', tuning });
        const s = await session(graph.bytes);
        const out = await s.run(feedsFor(arch, batch, inputSize, values, 'float32'));
        await s.release();
        return graph.paramNames.map((name) => Float64Array.from(out[graph.outputs.grad(name)].data as Float32Array));
      };
      const reference = await run({ weightGrad: 'shiftedMatMul', inputGrad: 'conv', forward: 'conv' });
      const tuning = { rowShiftMinChannels: 256, inputGrad: 'rowShift', forward: 'rowShift' };
      for (const graphBatch of [batch, 'dynamic'] as const) {
        const rowShifted = await run(tuning, graphBatch);
        reference.forEach((want, p) => {
          const scale = Math.max(1e-3, ...Array.from(want, Math.abs));
          const worst = Math.max(...Array.from(want, (v, i) => Math.abs(rowShifted[p][i] - v))) / scale;
          expect(worst, `${padding} batch ${graphBatch} param ${p}`).toBeLessThan(1e-4);
        });
      }
    }
  });
});
