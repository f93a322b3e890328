import { SrError } from '../../errors.ts';
import { type DimSpec, GraphBuilder } from '../../onnx/graph-builder.ts';
import { type ArchSpec, archName, outputSizeFor, paramSpecs } from '../architectures.ts';
import { emitAdam } from './adam.ts';
import { emitBackward } from './backward.ts';
import { emitForward } from './forward.ts';
import { networkOf } from './layers.ts';
import { emitLoss, type LossKind } from './loss.ts';
import { Primitives } from './primitives.ts';
import { DEFAULT_TUNING, type Tuning } from './tuning.ts';

export interface TrainGraphOptions {
  batch: number | 'dynamic';
  /** Side of the square input patch x, in input pixels. */
  inputSize: number;
  loss: LossKind;
  floatType?: 'float32' | 'float64';
  /** Learning-rate factor per parameter name (SRCNN: 0.1 on `conv3.w` and `conv3.b`); others use 1. */
  lrMultipliers?: Record<string, number>;
  /** Alternative backward spellings, for profiling. */
  tuning?: Partial<Tuning>;
}

export interface TrainStep {
  bytes: Uint8Array;
  paramNames: string[];
  inputNames: { x: string; target: string; lr: string; t: string };
  outputs: { loss: string; param(name: string): string; m(name: string): string; v(name: string): string };
}

export interface GradientGraph {
  bytes: Uint8Array;
  paramNames: string[];
  inputNames: { x: string; target: string };
  outputs: { loss: string; grad(name: string): string };
}

/**
 * Feeds every generated graph takes: `x` [B,1,in,in] in [0,1], `target` [B,1,out,out], and each parameter under
 * its own name. The train step adds `lr`, `t` and `<param>.m`, `<param>.v`.
 */
export const INPUT_NAMES = { x: 'x', target: 'target', lr: 'lr', t: 't' } as const;
export const momentName = (param: string): string => `${param}.m`;
export const varianceName = (param: string): string => `${param}.v`;

interface Core {
  g: GraphBuilder;
  paramNames: string[];
  loss: string;
  output: string;
  grads?: Map<string, string>;
}

function checkOptions(arch: ArchSpec, opts: TrainGraphOptions): number {
  const { batch, inputSize } = opts;
  if (batch !== 'dynamic' && (!Number.isInteger(batch) || batch < 1)) {
    throw new SrError('BAD_ARGUMENT', `Batch size ${batch} is not a positive integer`, "Use a batch of 1 or more, or 'dynamic'.");
  }
  const outputSize = Number.isInteger(inputSize) ? outputSizeFor(arch, inputSize) : 0;
  if (!Number.isInteger(inputSize) || inputSize < 1 || outputSize < 1) {
    throw new SrError('BAD_ARGUMENT', `Input patch size ${inputSize} is too small for ${archName(arch)}`, 'Use a larger patch size.');
  }
  return outputSize;
}

function buildCore(arch: ArchSpec, opts: TrainGraphOptions, withGradients: boolean): Core {
  const outputSize = checkOptions(arch, opts);
  const g = new GraphBuilder(opts.floatType ?? 'float32');
  const ops = new Primitives(g);
  const tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const batch: DimSpec = opts.batch === 'dynamic' ? 'batch' : opts.batch;
  const size = opts.inputSize;
  const x = g.input(INPUT_NAMES.x, [batch, 1, size, size]);
  const target = g.input(INPUT_NAMES.target, [batch, 1, outputSize, outputSize]);
  const specs = paramSpecs(arch);
  for (const spec of specs) g.input(spec.name, spec.shape);
  const param = (name: string) => name;
  const forward = emitForward(ops, networkOf(arch), { name: x, channels: 1, size: { h: size, w: size } }, param, tuning);
  const { loss, grad } = emitLoss(ops, forward.output.name, target, opts.loss);
  const grads = withGradients ? emitBackward(ops, forward.tape, grad, param, tuning) : undefined;
  return { g, paramNames: specs.map((s) => s.name), loss, output: forward.output.name, grads };
}

/**
 * Forward and loss only: the reference the gradient checks difference. Outputs `loss` (scalar) and `output`
 * (the network's prediction, [B,1,out,out]), which also serves validation without a separate graph.
 */
export function buildForwardLoss(arch: ArchSpec, opts: TrainGraphOptions): Uint8Array {
  const core = buildCore(arch, opts, false);
  core.g.op('Identity', [core.loss], {}, 'loss');
  core.g.output('loss', []);
  const outputSize = outputSizeFor(arch, opts.inputSize);
  core.g.op('Identity', [core.output], {}, 'output');
  core.g.output('output', [opts.batch === 'dynamic' ? 'batch' : opts.batch, 1, outputSize, outputSize]);
  return core.g.toModel({}, `${archName(arch)}-forward-loss`);
}

/** Forward, loss and every parameter's gradient (outputs `loss`, `grad.<param>`), without an optimiser. */
export function buildGradientGraph(arch: ArchSpec, opts: TrainGraphOptions): GradientGraph {
  const core = buildCore(arch, opts, true);
  const { g } = core;
  g.op('Identity', [core.loss], {}, 'loss');
  g.output('loss', []);
  const specs = paramSpecs(arch);
  for (const spec of specs) {
    g.op('Identity', [core.grads!.get(spec.name)!], {}, `grad.${spec.name}`);
    g.output(`grad.${spec.name}`, spec.shape);
  }
  return {
    bytes: g.toModel({}, `${archName(arch)}-gradients`),
    paramNames: core.paramNames,
    inputNames: { x: INPUT_NAMES.x, target: INPUT_NAMES.target },
    outputs: { loss: 'loss', grad: (name) => `grad.${name}` },
  };
}

/** One optimisation step: forward, loss, backward and Adam in one ORT run. Feed the new w, m, v back next step. */
export function buildTrainStep(arch: ArchSpec, opts: TrainGraphOptions): TrainStep {
  const core = buildCore(arch, opts, true);
  const { g } = core;
  const specs = paramSpecs(arch);
  const lr = g.input(INPUT_NAMES.lr, []);
  const t = g.input(INPUT_NAMES.t, []);
  const multipliers = opts.lrMultipliers ?? {};
  for (const name of Object.keys(multipliers)) {
    if (!core.paramNames.includes(name)) {
      throw new SrError(
        'BAD_ARGUMENT',
        `lrMultipliers names '${name}', which ${archName(arch)} does not have`,
        `Use one of: ${core.paramNames.join(', ')}.`,
      );
    }
  }
  const outputs = {
    loss: 'loss',
    param: (name: string) => `new.${name}`,
    m: (name: string) => `new.${momentName(name)}`,
    v: (name: string) => `new.${varianceName(name)}`,
  };
  const slots = specs.map((spec) => ({
    w: spec.name,
    m: g.input(momentName(spec.name), spec.shape),
    v: g.input(varianceName(spec.name), spec.shape),
    grad: core.grads!.get(spec.name)!,
    lrMultiplier: multipliers[spec.name] ?? 1,
  }));
  emitAdam(g, lr, t, slots, (i) => ({ w: outputs.param(specs[i].name), m: outputs.m(specs[i].name), v: outputs.v(specs[i].name) }));
  g.op('Identity', [core.loss], {}, outputs.loss);
  g.output(outputs.loss, []);
  for (const spec of specs) {
    g.output(outputs.param(spec.name), spec.shape);
    g.output(outputs.m(spec.name), spec.shape);
    g.output(outputs.v(spec.name), spec.shape);
  }
  return {
    bytes: g.toModel({}, `${archName(arch)}-train-step`),
    paramNames: core.paramNames,
    inputNames: { ...INPUT_NAMES },
    outputs,
  };
}
