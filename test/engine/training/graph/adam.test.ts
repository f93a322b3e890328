import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { initParams, paramSpecs, parseArch } from '../../../../src/engine/training/architectures.ts';
import { ADAM } from '../../../../src/engine/training/graph/adam.ts';
import { buildGradientGraph, buildTrainStep } from '../../../../src/engine/training/graph/train-step.ts';
import { GRAPH_CASES } from '../../../helpers/training-graph-cases.ts';
import { feedsFor, randomProblem, seededRandom, session, tensor } from '../../../helpers/training-graph-fd.ts';

/** Adam written out in plain TypeScript, float64: the independent reference for the in-graph update. */
function adamReference(w: Float64Array, m: Float64Array, v: Float64Array, grad: Float64Array, lr: number, t: number) {
  const { beta1, beta2, epsilon } = ADAM;
  const nw = new Float64Array(w.length);
  const nm = new Float64Array(w.length);
  const nv = new Float64Array(w.length);
  for (let i = 0; i < w.length; i += 1) {
    nm[i] = beta1 * m[i] + (1 - beta1) * grad[i];
    nv[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
    const mHat = nm[i] / (1 - beta1 ** t);
    const vHat = nv[i] / (1 - beta2 ** t);
    nw[i] = w[i] - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
  }
  return { w: nw, m: nm, v: nv };
}

describe('Adam inside the train step', () => {
  for (const c of [GRAPH_CASES[1], GRAPH_CASES[3], GRAPH_CASES[5]]) {
    it(`one step equals the TypeScript reference (${c.label})`, async () => {
      const batch = 2;
      const lastWeight = paramSpecs(c.arch).at(-2)!.name; // the last layer's weight
      const lrMultipliers = { [lastWeight]: 0.1 };
      const opts = { batch, inputSize: c.inputSize, loss: 'mse' as const, floatType: 'float64' as const, lrMultipliers };
      const values = randomProblem(c.arch, batch, c.inputSize, 31);
      const feeds = feedsFor(c.arch, batch, c.inputSize, values, 'float64');
      const gradGraph = buildGradientGraph(c.arch, opts);
      const grads = await (await session(gradGraph.bytes)).run(feeds);

      const step = buildTrainStep(c.arch, opts);
      const random = seededRandom(7);
      const lr = 0.003;
      const t = 3;
      const state = new Map<string, { m: Float64Array; v: Float64Array }>();
      const stepFeeds: Record<string, ort.Tensor> = {
        ...feeds,
        [step.inputNames.lr]: tensor('float64', [lr], []),
        [step.inputNames.t]: tensor('float64', [t], []),
      };
      for (const spec of paramSpecs(c.arch)) {
        const count = values.get(spec.name)!.length;
        const m = Float64Array.from({ length: count }, () => 0.01 * (random() - 0.5));
        const v = Float64Array.from({ length: count }, () => 1e-4 * random());
        state.set(spec.name, { m, v });
        stepFeeds[`${spec.name}.m`] = tensor('float64', m, spec.shape);
        stepFeeds[`${spec.name}.v`] = tensor('float64', v, spec.shape);
      }
      const result = await (await session(step.bytes)).run(stepFeeds);
      expect(Number(result[step.outputs.loss].data[0])).toBeCloseTo(Number(grads.loss.data[0]), 14);
      for (const name of step.paramNames) {
        const grad = grads[gradGraph.outputs.grad(name)].data as Float64Array;
        const rate = name === lastWeight ? lr * 0.1 : lr;
        const want = adamReference(values.get(name)!, state.get(name)!.m, state.get(name)!.v, grad, rate, t);
        const got = {
          w: result[step.outputs.param(name)].data as Float64Array,
          m: result[step.outputs.m(name)].data as Float64Array,
          v: result[step.outputs.v(name)].data as Float64Array,
        };
        for (const key of ['w', 'm', 'v'] as const) {
          for (let i = 0; i < want[key].length; i += 1)
            expect(Math.abs(got[key][i] - want[key][i]), `${name}.${key}[${i}]`).toBeLessThan(1e-12);
        }
        // The step really moved the weights, and by at most lr·(a little more than 1) per element, as Adam should.
        const moved = Math.max(...Array.from(got.w, (x, i) => Math.abs(x - values.get(name)![i])));
        expect(moved).toBeGreaterThan(0);
        expect(moved).toBeLessThan(rate * 3.2);
      }
    });
  }

  it('float32 steps fed back on a fixed batch drive the loss down (SRCNN 9-1-5, paper init)', async () => {
    const arch = parseArch('srcnn-9-1-5', 3);
    const batch = 4;
    const inputSize = 21; // output 9×9
    const step = buildTrainStep(arch, { batch: 'dynamic', inputSize, loss: 'mse', lrMultipliers: { 'conv3.w': 0.1, 'conv3.b': 0.1 } });
    const s = await session(step.bytes);
    const random = seededRandom(3);
    // Smooth target: a ramp the network can fit with its biases alone at first, then with its filters.
    const x = Float32Array.from({ length: batch * inputSize * inputSize }, random);
    const target = Float32Array.from({ length: batch * 81 }, (_, i) => 0.3 + 0.4 * ((i % 9) / 8));
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [batch, 1, inputSize, inputSize]),
      target: new ort.Tensor('float32', target, [batch, 1, 9, 9]),
      lr: new ort.Tensor('float32', Float32Array.of(3e-3), []),
    };
    const params = initParams(arch, seededRandom(1));
    for (const spec of paramSpecs(arch)) {
      feeds[spec.name] = new ort.Tensor('float32', params.get(spec.name)!, spec.shape);
      feeds[`${spec.name}.m`] = new ort.Tensor('float32', new Float32Array(params.get(spec.name)!.length), spec.shape);
      feeds[`${spec.name}.v`] = new ort.Tensor('float32', new Float32Array(params.get(spec.name)!.length), spec.shape);
    }
    const losses: number[] = [];
    for (let t = 1; t <= 60; t += 1) {
      feeds.t = new ort.Tensor('float32', Float32Array.of(t), []);
      const out = await s.run(feeds);
      losses.push(Number(out[step.outputs.loss].data[0]));
      for (const name of step.paramNames) {
        feeds[name] = out[step.outputs.param(name)];
        feeds[`${name}.m`] = out[step.outputs.m(name)];
        feeds[`${name}.v`] = out[step.outputs.v(name)];
      }
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.1);
  });

  it('rejects an lrMultiplier for a parameter the architecture does not have', () => {
    expect(() => buildTrainStep(parseArch('espcn', 3), { batch: 2, inputSize: 8, loss: 'l1', lrMultipliers: { 'conv9.w': 0.1 } })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining('conv9.w') }),
    );
  });
});
