import * as ort from 'onnxruntime-node';
import type { ParamSpec } from './architectures.ts';
import { momentName, type TrainStep, varianceName } from './graph/index.ts';
import type { Batch } from './patch-sampler.ts';

/** Weights and Adam moments, in Float32Arrays the loop owns (checkpoints read them directly). */
export interface OptimizerState {
  params: Map<string, Float32Array>;
  adamM: Map<string, Float32Array>;
  adamV: Map<string, Float32Array>;
}

/**
 * Runs one generated train step (forward, loss, backward, Adam) per call and writes the new w, m, v back into
 * the state's arrays. Tensors wrap those arrays without copying.
 */
export class StepRunner {
  private readonly shapes = new Map<string, number[]>();
  private readonly xDims: number[];
  private readonly targetDims: number[];

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly graph: TrainStep,
    readonly state: OptimizerState,
    specs: ParamSpec[],
    batch: number,
    inputSize: number,
    outputSize: number,
  ) {
    this.xDims = [batch, 1, inputSize, inputSize];
    this.targetDims = [batch, 1, outputSize, outputSize];
    for (const spec of specs) this.shapes.set(spec.name, spec.shape);
  }

  /** Applies one update; `t` is Adam's 1-based step (bias correction). Returns the batch loss before the update. */
  async run(batch: Batch, lr: number, t: number): Promise<number> {
    const { graph, state } = this;
    const feeds: Record<string, ort.Tensor> = {
      [graph.inputNames.x]: new ort.Tensor('float32', batch.x, this.xDims),
      [graph.inputNames.target]: new ort.Tensor('float32', batch.target, this.targetDims),
      [graph.inputNames.lr]: new ort.Tensor('float32', Float32Array.of(lr), []),
      [graph.inputNames.t]: new ort.Tensor('float32', Float32Array.of(t), []),
    };
    for (const name of graph.paramNames) {
      const dims = this.shapes.get(name) ?? [state.params.get(name)!.length];
      feeds[name] = new ort.Tensor('float32', state.params.get(name)!, dims);
      feeds[momentName(name)] = new ort.Tensor('float32', state.adamM.get(name)!, dims);
      feeds[varianceName(name)] = new ort.Tensor('float32', state.adamV.get(name)!, dims);
    }
    const out = await this.session.run(feeds);
    for (const name of graph.paramNames) {
      state.params.get(name)!.set(out[graph.outputs.param(name)].data as Float32Array);
      state.adamM.get(name)!.set(out[graph.outputs.m(name)].data as Float32Array);
      state.adamV.get(name)!.set(out[graph.outputs.v(name)].data as Float32Array);
    }
    return (out[graph.outputs.loss].data as Float32Array)[0];
  }
}
