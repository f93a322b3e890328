import { emitBicubicUpsample } from './bicubic-skip.ts';
import type { Layer, Network } from './layers.ts';
import type { Primitives, Size } from './primitives.ts';
import { rowShiftedInput, rowShiftForward } from './row-shift.ts';
import { type Tuning, usesRowShift } from './tuning.ts';

/** A 4-D activation [B, channels, h, w] in the graph. */
export interface Activation {
  name: string;
  channels: number;
  size: Size;
}

/** What the backward pass needs from one layer's forward. */
export interface TapeEntry {
  layer: Layer;
  input: Activation;
  output: Activation;
  /** im2col patches of the input [B, C·k², Ho, Wo], when the layer's weight gradient uses them. */
  patches?: string;
  /** Row shifts of the input [B, k·Ci, Ho, Wp] (row-shift.ts), when the forward already built them. */
  rows?: string;
}

export interface ForwardResult {
  output: Activation;
  tape: TapeEntry[];
}

/** Whether a conv layer's weight gradient goes through im2col (few input channels: the first layer). */
export function usesIm2col(layer: Extract<Layer, { type: 'conv' }>, tuning: Tuning): boolean {
  return layer.k > 1 && layer.cin * layer.k * layer.k <= tuning.im2colMaxPatch;
}

/**
 * Emits the network's forward pass, training flavour: every spatial size is static, and the tape keeps what each
 * layer's backward needs. `param(name)` is the graph value holding a parameter (a graph input when training).
 */
export function emitForward(ops: Primitives, net: Network, x: Activation, param: (name: string) => string, tuning: Tuning): ForwardResult {
  const { g } = ops;
  const tape: TapeEntry[] = [];
  let current = x;
  for (const layer of net.layers) {
    const input = current;
    let output: Activation;
    let patches: string | undefined;
    let rows: string | undefined;
    switch (layer.type) {
      case 'conv': {
        const geo = {
          kernel: { h: layer.k, w: layer.k },
          pads: [layer.pad, layer.pad, layer.pad, layer.pad] as [number, number, number, number],
        };
        const size = { h: input.size.h + 2 * layer.pad - layer.k + 1, w: input.size.w + 2 * layer.pad - layer.k + 1 };
        let name: string;
        if (usesIm2col(layer, tuning)) patches = ops.im2col(input.name, input.size, layer.cin, geo);
        if (patches && tuning.forwardFromPatches) {
          const w2d = ops.reshape(param(`${layer.name}.w`), [layer.cout, -1]);
          const flat = ops.reshape(patches, [0, layer.cin * layer.k * layer.k, -1]);
          const y = ops.reshape(g.op('MatMul', [w2d, flat]), [0, layer.cout, size.h, size.w]);
          name = g.op('Add', [y, ops.reshape(param(`${layer.name}.b`), [-1, 1, 1])]);
        } else if (usesRowShift(layer, 'forward', tuning)) {
          rows = rowShiftedInput(ops, input.name, input.size, layer);
          name = rowShiftForward(ops, rows, param(`${layer.name}.w`), param(`${layer.name}.b`), input.size, layer);
        } else if (layer.k > 1 && layer.cout <= tuning.shiftedMatMulMaxOut) {
          name = ops.convByShiftedMatMul(input.name, input.size, param(`${layer.name}.w`), layer, param(`${layer.name}.b`));
        } else {
          name = ops.conv(input.name, input.size, param(`${layer.name}.w`), geo, param(`${layer.name}.b`));
        }
        output = { name, channels: layer.cout, size };
        break;
      }
      case 'deconv': {
        const size = {
          h: (input.size.h - 1) * layer.stride - 2 * layer.pad + layer.k + layer.outputPadding,
          w: (input.size.w - 1) * layer.stride - 2 * layer.pad + layer.k + layer.outputPadding,
        };
        const name = ops.convTranspose(input.name, input.size, param(`${layer.name}.w`), layer, param(`${layer.name}.b`));
        output = { name, channels: layer.cout, size };
        break;
      }
      case 'relu':
        output = { ...input, name: g.op('Relu', [input.name]) };
        break;
      case 'prelu':
        output = { ...input, name: g.op('PRelu', [input.name, param(`${layer.name}.a`)]) };
        break;
      case 'tanh':
        output = { ...input, name: g.op('Tanh', [input.name]) };
        break;
      case 'depthToSpace': {
        const r = layer.blocksize;
        const name = g.op('DepthToSpace', [input.name], { blocksize: r, mode: 'CRD' });
        output = { name, channels: input.channels / (r * r), size: { h: input.size.h * r, w: input.size.w * r } };
        break;
      }
    }
    tape.push({ layer, input, output, patches, rows });
    current = output;
  }
  if (net.skip === 'input') {
    // Valid convolutions shrink the output: the skip is the centre of the input that the output covers.
    const top = (x.size.h - current.size.h) / 2;
    const left = (x.size.w - current.size.w) / 2;
    const skip = top > 0 || left > 0 ? ops.slice(x.name, [top, left], [top + current.size.h, left + current.size.w], [2, 3]) : x.name;
    current = { ...current, name: g.op('Add', [current.name, skip]) };
  } else if (net.skip === 'bicubic') {
    const scale = current.size.h / x.size.h;
    const upsampled = emitBicubicUpsample(g, x.name, scale, (padded, kernel, k) =>
      ops.conv(padded, { h: x.size.h + k - 1, w: x.size.w + k - 1 }, kernel, { kernel: { h: k, w: k }, pads: [0, 0, 0, 0] }),
    );
    current = { ...current, name: g.op('Add', [current.name, upsampled]) };
  }
  return { output: current, tape };
}
