import type { EditableGraph } from '../onnx/editable-graph.ts';
import { intAttr, intsAttr, node, stringAttr } from '../onnx/node-proto.ts';
import type { NodeProto } from '../onnx/proto.ts';
import type { ConvSite } from './conv-sites.ts';

/**
 * A layer with few output channels, rewritten as a strided convolution over B×B output blocks plus a DepthToSpace:
 * the same sums, laid out so that the int8 kernels have work for all their lanes.
 *
 * Why: MLAS computes output channels in blocks of 16–32. SRCNN's last layer (32 → 1) and FSRCNN's deconvolution
 * (56 → 1) leave all but one lane of each block idle: measured here on 4×256² tiles, SRCNN's 32 → 1 5×5 took as
 * long in int8 as its 64 → 32 5×5, which does 64× the work. Computed as a stride-b convolution whose Cout·B²
 * output channels are the pixels of each B×B block (B = b·stride), it does a few times more multiply-adds, all
 * useful to the kernel. ONNX Runtime has no int8 ConvTranspose kernel at all, and as a convolution over the
 * low-resolution input a deconvolution gets one.
 *
 * Output pixel Y = B·Yc + r of the original layer reads input pixel y = b·Yc + u − P of the new one, with the tap
 * t(r, u) of the original kernel: Conv t = u − r (P = the original top pad), ConvTranspose t = r + pad − s·(u + u₀).
 * The result is the original layer's output exactly (float32 rounding aside), sliced back to the original size,
 * which follows the input's size at run time, so tiles of any size still meet without seams.
 */

/** Output channels per block that keep the int8 kernels busy. */
const LANES = 16;

/** The block stride b for a narrow layer (smallest with Cout·(s·b)² ≥ 16), or 0 when it needs no phase form or cannot have one. */
export function phaseBlock(site: ConvSite): number {
  const [sh, sw] = site.strides;
  if (sh !== sw || (!site.transposed && sh !== 1)) return 0;
  if (!site.transposed && site.outChannels >= LANES) return 0;
  let b = 1;
  while (site.outChannels * (sh * b) ** 2 < LANES) b++;
  return b;
}

interface AxisPlan {
  /** Kernel size of the new convolution. */
  size: number;
  padBegin: number;
  padEnd: number;
  /** The original kernel tap feeding output phase r from new tap u (outside [0, k): none). */
  tap: (r: number, u: number) => number;
  /** Output size of the original layer: stride·(input size) + offset. */
  stride: number;
  offset: number;
}

function planAxis(site: ConvSite, axis: 0 | 1, b: number): AxisPlan | undefined {
  const k = site.kernel[axis];
  const pb = site.pads[axis];
  const pe = site.pads[axis + 2];
  if (!site.transposed) {
    const offset = pb + pe - k + 1;
    const size = k + b - 1;
    return { size, padBegin: pb, padEnd: Math.max(0, offset - pb + size - 1), tap: (r, u) => u - r, stride: 1, offset };
  }
  const s = site.strides[axis];
  const blocks = s * b;
  const uMin = Math.ceil((pb - k + 1) / s);
  const uMax = Math.floor((blocks - 1 + pb) / s);
  const padBegin = -uMin;
  if (padBegin < 0) return undefined;
  const size = uMax - uMin + 1;
  const offset = k - s - pb - pe + site.outputPadding[axis];
  const padEnd = Math.max(0, Math.ceil(offset / s) - padBegin + size - 1);
  return { size, padBegin, padEnd, tap: (r, u) => r + pb - s * (u + uMin), stride: s, offset };
}

/**
 * Replaces `site`'s node by its phase form with block stride `b` (phaseBlock) and returns the new Conv node (the one
 * to quantise), or undefined when the layer's padding does not allow the rewrite (it is then left as it was).
 */
export function rewriteAsPhaseConv(graph: EditableGraph, site: ConvSite, b: number): NodeProto | undefined {
  const h = planAxis(site, 0, b);
  const w = planAxis(site, 1, b);
  if (!h || !w) return undefined;
  const blocks = site.strides[0] * b;
  const { inChannels: cin, outChannels: cout, kernel } = site;
  const [kh, kw] = kernel;
  const weight = new Float32Array(cout * blocks * blocks * cin * h.size * w.size);
  const bias = new Float32Array(cout * blocks * blocks);
  for (let c = 0; c < cout; c++) {
    for (let ry = 0; ry < blocks; ry++) {
      for (let rx = 0; rx < blocks; rx++) {
        const channel = (c * blocks + ry) * blocks + rx;
        bias[channel] = site.bias?.[c] ?? 0;
        for (let ci = 0; ci < cin; ci++) {
          for (let uy = 0; uy < h.size; uy++) {
            const ty = h.tap(ry, uy);
            if (ty < 0 || ty >= kh) continue;
            for (let ux = 0; ux < w.size; ux++) {
              const tx = w.tap(rx, ux);
              if (tx < 0 || tx >= kw) continue;
              const from = site.transposed ? ((ci * cout + c) * kh + ty) * kw + tx : ((c * cin + ci) * kh + ty) * kw + tx;
              weight[((channel * cin + ci) * h.size + uy) * w.size + ux] = site.weight[from];
            }
          }
        }
      }
    }
  }
  const x = site.node.input[0];
  const out = site.node.output[0];
  const name = (suffix: string) => graph.fresh(`${out}/${suffix}`);
  const phases = name('phases');
  const fine = name('fine');
  const shape = name('shape');
  const size = name('size');
  const scaled = name('scaled');
  const ends = name('ends');
  const conv = node(
    'Conv',
    [
      x,
      graph.addInitializer(`${out}/phase_w`, [cout * blocks * blocks, cin, h.size, w.size], weight),
      graph.addInitializer(`${out}/phase_b`, [bias.length], bias),
    ],
    phases,
    [
      intsAttr('kernel_shape', [h.size, w.size]),
      intsAttr('strides', [b, b]),
      intsAttr('pads', [h.padBegin, w.padBegin, h.padEnd, w.padEnd]),
    ],
  );
  const i64 = (base: string, values: number[]) => graph.addInitializer(base, [values.length], BigInt64Array.from(values.map(BigInt)));
  graph.replace(site.node, [
    conv,
    node('DepthToSpace', [phases], fine, [intAttr('blocksize', blocks), stringAttr('mode', 'CRD')]),
    // The original output size, from the input's size at run time: stride·(h, w) + offset.
    node('Shape', [x], shape),
    node('Slice', [shape, i64(`${out}/at2`, [2]), i64(`${out}/at4`, [4]), i64(`${out}/axis0`, [0])], size),
    node('Mul', [size, i64(`${out}/strides`, [h.stride, w.stride])], scaled),
    node('Add', [scaled, i64(`${out}/offsets`, [h.offset, w.offset])], ends),
    { ...node('Slice', [fine, i64(`${out}/zeros`, [0, 0]), ends, i64(`${out}/axes23`, [2, 3])], out), name: graph.fresh(`${out}/crop`) },
  ]);
  return conv;
}
