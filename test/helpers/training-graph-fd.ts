import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../src/engine/seeded-random.ts';
import { type ArchSpec, outputSizeFor, paramSpecs } from '../../src/engine/training/architectures.ts';

// Re-exported: the gradient checks draw their deterministic problems from it.
export { seededRandom };

export type FloatType = 'float32' | 'float64';
export type Feeds = Record<string, ort.Tensor>;

export function tensor(type: FloatType, values: ArrayLike<number>, dims: number[]): ort.Tensor {
  return type === 'float64'
    ? new ort.Tensor('float64', Float64Array.from(values), dims)
    : new ort.Tensor('float32', Float32Array.from(values), dims);
}

export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 });
}

/**
 * Random but well-conditioned feeds for a tiny network: x and target in [0,1], and parameters of a size that keeps
 * activations away from zero (Gaussian init at σ=0.001 would make finite differences meaningless).
 */
export function randomProblem(arch: ArchSpec, batch: number, inputSize: number, seed: number): Map<string, Float64Array> {
  const random = seededRandom(seed);
  const values = new Map<string, Float64Array>();
  const outputSize = outputSizeFor(arch, inputSize);
  values.set('x', Float64Array.from({ length: batch * inputSize * inputSize }, random));
  values.set('target', Float64Array.from({ length: batch * outputSize * outputSize }, random));
  for (const spec of paramSpecs(arch)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const scale = spec.kind === 'prelu' ? 0.5 : Math.sqrt(3 / spec.fanIn);
    values.set(
      spec.name,
      Float64Array.from({ length: count }, () => (spec.kind === 'prelu' ? 0.1 + scale * random() : scale * (2 * random() - 1))),
    );
  }
  return values;
}

export function feedsFor(arch: ArchSpec, batch: number, inputSize: number, values: Map<string, Float64Array>, type: FloatType): Feeds {
  const outputSize = outputSizeFor(arch, inputSize);
  const feeds: Feeds = {
    x: tensor(type, values.get('x')!, [batch, 1, inputSize, inputSize]),
    target: tensor(type, values.get('target')!, [batch, 1, outputSize, outputSize]),
  };
  for (const spec of paramSpecs(arch)) feeds[spec.name] = tensor(type, values.get(spec.name)!, spec.shape);
  return feeds;
}

export async function scalarOutput(s: ort.InferenceSession, feeds: Feeds, name: string): Promise<number> {
  const result = await s.run(feeds);
  return Number(result[name].data[0]);
}

/** Central difference of the loss with respect to one element of one parameter (float64 graph). */
export async function finiteDifference(
  forward: ort.InferenceSession,
  feeds: Feeds,
  param: string,
  index: number,
  step: number,
): Promise<number> {
  const base = feeds[param].data as Float64Array;
  const shifted = (delta: number) => {
    const copy = Float64Array.from(base);
    copy[index] += delta;
    return { ...feeds, [param]: new ort.Tensor('float64', copy, feeds[param].dims as number[]) };
  };
  const plus = await scalarOutput(forward, shifted(step), 'loss');
  const minus = await scalarOutput(forward, shifted(-step), 'loss');
  return (plus - minus) / (2 * step);
}

/** Element indices to check for a parameter: all of a small one, a seeded spread of a large one. */
export function indicesToCheck(count: number, max: number, random: () => number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>([0, count - 1]);
  while (picked.size < max) picked.add(Math.floor(random() * count));
  return [...picked];
}
