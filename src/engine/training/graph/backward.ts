import type { Activation, TapeEntry } from './forward.ts';
import { usesIm2col } from './forward.ts';
import type { Layer } from './layers.ts';
import type { Primitives } from './primitives.ts';
import { columnShiftedGrad, rowShiftedInput, rowShiftInputGrad, rowShiftWeightGrad } from './row-shift.ts';
import { type Tuning, usesRowShift } from './tuning.ts';

type ConvLayer = Extract<Layer, { type: 'conv' }>;
type DeconvLayer = Extract<Layer, { type: 'deconv' }>;

/**
 * Emits the backward pass (formulas: docs/train-step-graphs.md) from the loss gradient at the network output.
 * Returns the graph value of each parameter's gradient. The first layer's input gradient is never computed:
 * nothing upstream of it is trainable.
 */
export function emitBackward(
  ops: Primitives,
  tape: TapeEntry[],
  outputGrad: string,
  param: (name: string) => string,
  tuning: Tuning,
): Map<string, string> {
  const { g } = ops;
  const grads = new Map<string, string>();
  let grad = outputGrad;
  for (let i = tape.length - 1; i >= 0; i -= 1) {
    const entry = tape[i];
    const { layer } = entry;
    const needInputGrad = i > 0;
    switch (layer.type) {
      case 'conv': {
        grads.set(`${layer.name}.b`, ops.sumPerChannel(grad));
        // The column shifts of g serve both row-shift products; build them once.
        const rowShiftW = !usesIm2col(layer, tuning) && usesRowShift(layer, 'weightGrad', tuning);
        const rowShiftX = needInputGrad && usesRowShift(layer, 'inputGrad', tuning);
        const gCols = rowShiftW || rowShiftX ? columnShiftedGrad(ops, grad, layer.k) : undefined;
        if (rowShiftW && gCols) {
          const rows = entry.rows ?? rowShiftedInput(ops, entry.input.name, entry.input.size, layer);
          grads.set(`${layer.name}.w`, rowShiftWeightGrad(ops, rows, gCols, layer));
        } else {
          grads.set(`${layer.name}.w`, convWeightGrad(ops, entry, layer, grad, tuning));
        }
        if (rowShiftX && gCols) grad = rowShiftInputGrad(ops, gCols, param(`${layer.name}.w`), entry.input.size, layer);
        else if (needInputGrad) grad = convInputGrad(ops, entry, layer, grad, param(`${layer.name}.w`), tuning);
        break;
      }
      case 'deconv': {
        const w = param(`${layer.name}.w`);
        grads.set(`${layer.name}.b`, ops.sumPerChannel(grad));
        grads.set(`${layer.name}.w`, deconvWeightGrad(ops, entry, layer, grad));
        if (needInputGrad) {
          // Adjoint of the strided transposed convolution: a strided correlation with the same kernel.
          const geo = {
            kernel: { h: layer.k, w: layer.k },
            pads: [layer.pad, layer.pad, layer.pad, layer.pad] as Pads,
            stride: layer.stride,
          };
          grad = ops.conv(grad, entry.output.size, w, geo);
        }
        break;
      }
      case 'relu': {
        // y > 0 exactly where z > 0, so the mask comes from the output and ORT can fuse Conv+Relu in the forward.
        if (tuning.reluMask === 'sign') {
          grad = g.op('Mul', [grad, g.op('Sign', [entry.output.name])]);
        } else {
          const mask = g.op('Greater', [entry.output.name, g.scalar(0)]);
          grad = g.op('Where', [mask, grad, g.scalar(0)]);
        }
        break;
      }
      case 'prelu': {
        const z = entry.input.name;
        const a = param(`${layer.name}.a`);
        const mask = g.op('Greater', [z, g.scalar(0)]);
        const negative = g.op('Where', [mask, g.scalar(0), g.op('Mul', [grad, z])]);
        grads.set(`${layer.name}.a`, ops.reshape(ops.sumPerChannel(negative), [-1, 1, 1]));
        grad = g.op('Where', [mask, grad, g.op('Mul', [grad, a])]);
        break;
      }
      case 'tanh': {
        const y = entry.output.name;
        grad = g.op('Mul', [grad, g.op('Sub', [g.scalar(1), g.op('Mul', [y, y])])]);
        break;
      }
      case 'depthToSpace': {
        // PyTorch pixel_unshuffle: the exact inverse of DepthToSpace CRD (SpaceToDepth inverts only DCR).
        const r = layer.blocksize;
        const { h, w } = entry.input.size;
        const split = ops.reshape(grad, [0, entry.output.channels, h, r, w, r]);
        const moved = g.op('Transpose', [split], { perm: [0, 1, 3, 5, 2, 4] });
        grad = ops.reshape(moved, [0, entry.input.channels, h, w]);
        break;
      }
    }
  }
  return grads;
}

type Pads = [number, number, number, number];

function convWeightGrad(ops: Primitives, entry: TapeEntry, layer: ConvLayer, grad: string, tuning: Tuning): string {
  const { g } = ops;
  const x = entry.input;
  const shape = [layer.cout, layer.cin, layer.k, layer.k];
  if (layer.k === 1) return ops.reshape(contractOverBatchAndSpace(ops, grad, layer.cout, x.name, layer.cin, tuning), shape);
  if (usesIm2col(layer, tuning) && entry.patches) {
    // dW[co, (ci,i,j)] = Σ_b,p g[b,co,p] · patches[b,(ci,i,j),p]: one contraction, no 25×25-kernel Conv.
    const patchLength = layer.cin * layer.k * layer.k;
    return ops.reshape(contractOverBatchAndSpace(ops, grad, layer.cout, entry.patches, patchLength, tuning), shape);
  }
  const spelling = tuning.weightGrad === 'auto' ? (layer.cout >= 8 ? 'shiftedMatMul' : 'inputKernel') : tuning.weightGrad;
  if (spelling === 'shiftedMatMul') return shiftedWeightGrad(ops, entry, layer, grad);
  if (spelling === 'inputKernel') {
    // Conv(T(g), T(x), pads k−1−pad) = flip(dW), already [Co, Ci, k, k]: out[v] = Σ_q g[q]·x[q − v + k−1−pad].
    const back = layer.k - 1 - layer.pad;
    const flipped = ops.conv(ops.transpose01(grad), entry.output.size, ops.transpose01(x.name), {
      kernel: x.size,
      pads: [back, back, back, back],
    });
    return ops.flipSpatial(flipped);
  }
  // dW = T(Conv(T(x), T(g), pads = p)): the batch becomes the contracted channel axis.
  const pads: Pads = [layer.pad, layer.pad, layer.pad, layer.pad];
  const byInput = ops.conv(ops.transpose01(x.name), x.size, ops.transpose01(grad), { kernel: entry.output.size, pads });
  return g.op('Transpose', [byInput], { perm: [1, 0, 2, 3] });
}

/**
 * dW[:, :, i, j] = Σ_b,p g[b,:,p] · x[b,:,p + (i,j)]ᵀ: one Gemm per kernel offset on a slice of the (padded)
 * input. Same FLOPs as the Conv, at GEMM speed.
 */
function shiftedWeightGrad(ops: Primitives, entry: TapeEntry, layer: ConvLayer, grad: string): string {
  const { g } = ops;
  const { k, pad, cin, cout } = layer;
  const out = entry.output.size;
  // Channel-major layouts make each offset one Gemm contracting over batch and space together.
  const inputT = ops.transpose01(entry.input.name); // [Ci, B, H, W]
  const padded = pad > 0 ? g.op('Pad', [inputT, g.ints([0, 0, pad, pad, 0, 0, pad, pad])]) : inputT;
  const gradT = ops.reshape(ops.transpose01(grad), [cout, -1]); // [Co, B·Ho·Wo]
  const perOffset: string[] = [];
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j < k; j += 1) {
      const shifted = ops.reshape(ops.slice(padded, [i, j], [i + out.h, j + out.w], [2, 3]), [cin, -1]); // [Ci, B·Ho·Wo]
      perOffset.push(g.op('Unsqueeze', [g.op('Gemm', [gradT, shifted], { transB: 1 }), g.ints([0])])); // [1, Co, Ci]
    }
  }
  const summed = g.op('Concat', perOffset, { axis: 0 }); // [k², Co, Ci]
  return ops.reshape(g.op('Transpose', [summed], { perm: [1, 2, 0] }), [cout, cin, k, k]);
}

/** Σ over batch and space of a[b, i, p] · c[b, j, p] → [i, j], for a [B, ni, H, W] and c [B, nj, H, W]. */
function contractOverBatchAndSpace(ops: Primitives, a: string, ni: number, c: string, nj: number, tuning: Tuning): string {
  const { g } = ops;
  if (tuning.oneByOneWeightGrad === 'gemm') {
    const a2 = ops.reshape(ops.transpose01(a), [ni, -1]);
    const c2 = ops.reshape(ops.transpose01(c), [nj, -1]);
    return g.op('Gemm', [a2, c2], { transB: 1 });
  }
  const a3 = ops.reshape(a, [0, ni, -1]);
  const c3 = g.op('Transpose', [ops.reshape(c, [0, nj, -1])], { perm: [0, 2, 1] });
  return g.op('ReduceSum', [g.op('MatMul', [a3, c3]), g.ints([0])], { keepdims: 0 });
}

function convInputGrad(ops: Primitives, entry: TapeEntry, layer: ConvLayer, grad: string, w: string, tuning: Tuning): string {
  const { g } = ops;
  const x: Activation = entry.input;
  if (layer.k === 1 && tuning.oneByOneInputGrad === 'matmul') {
    const wT = g.op('Transpose', [ops.reshape(w, [layer.cout, layer.cin])], { perm: [1, 0] });
    const dx = g.op('MatMul', [wT, ops.reshape(grad, [0, layer.cout, -1])]);
    return ops.reshape(dx, [0, layer.cin, x.size.h, x.size.w]);
  }
  const back = layer.k - 1 - layer.pad;
  if (tuning.inputGrad === 'convTranspose' && !ops.float64) {
    return g.op('ConvTranspose', [grad, w], { kernel_shape: [layer.k, layer.k], pads: [layer.pad, layer.pad, layer.pad, layer.pad] });
  }
  // Stride 1: ConvTranspose(g, W, pads p) = Conv(g, T(flip(W)), pads k−1−p), and ORT's Conv is much faster.
  const kernel = ops.transpose01(ops.flipSpatial(w));
  return ops.conv(grad, entry.output.size, kernel, { kernel: { h: layer.k, w: layer.k }, pads: [back, back, back, back] });
}

function deconvWeightGrad(ops: Primitives, entry: TapeEntry, layer: DeconvLayer, grad: string): string {
  const { g } = ops;
  const x = entry.input;
  // dW[ci,co,u] = Σ_b,i x[b,ci,i] · g[b,co,i·s − p + u]: a correlation of T(g) with T(x) dilated by the stride.
  const end = Math.max(0, layer.pad - layer.outputPadding);
  const geo = { kernel: x.size, pads: [layer.pad, layer.pad, end, end] as Pads, dilation: layer.stride };
  let byOutput = ops.conv(ops.transpose01(grad), entry.output.size, ops.transpose01(x.name), geo); // [Co, Ci, ≥k, ≥k]
  if (layer.pad - layer.outputPadding < 0) byOutput = ops.slice(byOutput, [0, 0], [layer.k, layer.k], [2, 3]);
  return g.op('Transpose', [byOutput], { perm: [1, 0, 2, 3] });
}
