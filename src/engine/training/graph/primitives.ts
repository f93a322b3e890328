import type { GraphBuilder } from '../../onnx/graph-builder.ts';

/** Spatial size of an NCHW tensor. Batch and channels may be dynamic; spatial sizes are always known when building. */
export interface Size {
  h: number;
  w: number;
}

export interface ConvGeometry {
  kernel: Size;
  /** [top, left, bottom, right], as ONNX orders them. */
  pads: [number, number, number, number];
  stride?: number;
  dilation?: number;
}

export function convOutputSize(input: Size, geo: ConvGeometry): Size {
  const s = geo.stride ?? 1;
  const d = geo.dilation ?? 1;
  const [t, l, b, r] = geo.pads;
  return {
    h: Math.floor((input.h + t + b - d * (geo.kernel.h - 1) - 1) / s) + 1,
    w: Math.floor((input.w + l + r - d * (geo.kernel.w - 1) - 1) / s) + 1,
  };
}

/**
 * The few tensor operations the train-step graphs are written in. In float32 they are ORT's own kernels (Conv,
 * ConvTranspose). ORT's CPU provider has no float64 Conv or ConvTranspose, so in float64 — which the gradient
 * checks need to reach 1e-6 — the same operations are spelled with Pad, Slice, Concat and MatMul, with exactly
 * the ONNX semantics. Tests check the two spellings agree.
 */
export class Primitives {
  constructor(readonly g: GraphBuilder) {}

  get float64(): boolean {
    return this.g.floatType === 'float64';
  }

  /** `Conv(x, w, bias)` with stride/dilation/pads; w is [M, C, kh, kw] and may be any tensor of the graph. */
  conv(x: string, xSize: Size, w: string, geo: ConvGeometry, bias?: string): string {
    const stride = geo.stride ?? 1;
    const dilation = geo.dilation ?? 1;
    if (!this.float64) {
      const attrs = {
        kernel_shape: [geo.kernel.h, geo.kernel.w],
        pads: geo.pads,
        strides: [stride, stride],
        dilations: [dilation, dilation],
      };
      return this.g.op('Conv', bias ? [x, w, bias] : [x, w], attrs);
    }
    const out = convOutputSize(xSize, geo);
    const patches = this.im2colBySlices(x, xSize, geo); // [N, C·kh·kw, Ho·Wo]
    const w2d = this.g.op('Reshape', [w, this.g.ints([0, -1])]); // [M, C·kh·kw]
    const y = this.g.op('Reshape', [this.g.op('MatMul', [w2d, patches]), this.g.ints([0, -1, out.h, out.w])]);
    return bias ? this.g.op('Add', [y, this.g.op('Reshape', [bias, this.g.ints([-1, 1, 1])])]) : y;
  }

  /**
   * A stride-1 conv with few output channels, as MatMul + shifted sum: z = W' · x gives, for every kernel offset
   * (i, j), the Co maps that offset contributes; the output is the sum of those maps shifted by (i, j).
   * Same result as `conv`, but one GEMM with a wide output instead of ORT's slow single-channel Conv.
   */
  convByShiftedMatMul(
    x: string,
    xSize: Size,
    w: string,
    spec: { cin: number; cout: number; k: number; pad: number },
    bias?: string,
  ): string {
    const { g } = this;
    const { cin, cout, k, pad } = spec;
    const byOffset = this.reshape(g.op('Transpose', [w], { perm: [2, 3, 0, 1] }), [k * k * cout, cin]); // rows (i, j, co)
    let maps = this.reshape(g.op('MatMul', [byOffset, this.reshape(x, [0, cin, -1])]), [0, k * k * cout, xSize.h, xSize.w]);
    if (pad > 0) maps = g.op('Pad', [maps, g.ints([0, 0, pad, pad, 0, 0, pad, pad])]);
    const out = { h: xSize.h + 2 * pad - k + 1, w: xSize.w + 2 * pad - k + 1 };
    const parts: string[] = [];
    for (let i = 0; i < k; i += 1) {
      for (let j = 0; j < k; j += 1) {
        const first = (i * k + j) * cout;
        parts.push(this.slice(maps, [first, i, j], [first + cout, i + out.h, j + out.w], [1, 2, 3]));
      }
    }
    if (bias) parts.push(this.reshape(bias, [-1, 1, 1]));
    return g.op('Sum', parts);
  }

  /** `ConvTranspose(x, w[Ci, Co, k, k], bias)`, square kernel, symmetric pads, output_padding at the end. */
  convTranspose(
    x: string,
    xSize: Size,
    w: string,
    spec: { k: number; stride: number; pad: number; outputPadding: number },
    bias?: string,
  ): string {
    const { k, stride, pad, outputPadding } = spec;
    if (!this.float64) {
      const attrs = {
        kernel_shape: [k, k],
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
        output_padding: [outputPadding, outputPadding],
      };
      return this.g.op('ConvTranspose', bias ? [x, w, bias] : [x, w], attrs);
    }
    // A transposed convolution is a full correlation of the zero-stuffed input with the flipped, transposed kernel.
    const up = this.zeroStuff(x, xSize, stride);
    const upSize = { h: (xSize.h - 1) * stride + 1, w: (xSize.w - 1) * stride + 1 };
    const begin = k - 1 - pad;
    const end = begin + outputPadding;
    const kernel = this.transpose01(this.flipSpatial(w));
    return this.conv(up, upSize, kernel, { kernel: { h: k, w: k }, pads: [begin, begin, end, end] }, bias);
  }

  /**
   * im2col: [N, C, H, W] → [N, C·kh·kw, Ho, Wo], channel c·kh·kw + i·kw + j holding x shifted by (i, j): the
   * layout of a weight [M, C, kh, kw] flattened to [M, C·kh·kw], so a MatMul finishes the convolution.
   * float32 uses a grouped Conv with a one-hot kernel (one MLAS call); `channels` must be known for that.
   */
  im2col(x: string, xSize: Size, channels: number, geo: ConvGeometry): string {
    if (this.float64) {
      const out = convOutputSize(xSize, geo);
      return this.g.op('Reshape', [this.im2colBySlices(x, xSize, geo), this.g.ints([0, -1, out.h, out.w])]);
    }
    const area = geo.kernel.h * geo.kernel.w;
    const oneHot = new Float32Array(channels * area * area);
    for (let c = 0; c < channels; c += 1) {
      for (let p = 0; p < area; p += 1) oneHot[(c * area + p) * area + p] = 1;
    }
    const kernel = this.g.initializer(
      `im2col_${geo.kernel.h}x${geo.kernel.w}_c${channels}_${x}`,
      [channels * area, 1, geo.kernel.h, geo.kernel.w],
      oneHot,
    );
    const stride = geo.stride ?? 1;
    const dilation = geo.dilation ?? 1;
    return this.g.op('Conv', [x, kernel], {
      kernel_shape: [geo.kernel.h, geo.kernel.w],
      pads: geo.pads,
      strides: [stride, stride],
      dilations: [dilation, dilation],
      group: channels,
    });
  }

  /** [N, C, H, W] → [N, C·kh·kw, Ho·Wo] using only ops that ORT implements for every float type. */
  private im2colBySlices(x: string, xSize: Size, geo: ConvGeometry): string {
    const stride = geo.stride ?? 1;
    const dilation = geo.dilation ?? 1;
    const out = convOutputSize(xSize, geo);
    const [t, l, b, r] = geo.pads;
    const padded = t + l + b + r > 0 ? this.g.op('Pad', [x, this.g.ints([0, 0, t, l, 0, 0, b, r])]) : x;
    const shifted: string[] = [];
    for (let i = 0; i < geo.kernel.h; i += 1) {
      for (let j = 0; j < geo.kernel.w; j += 1) {
        const starts = [i * dilation, j * dilation];
        const ends = [starts[0] + stride * (out.h - 1) + 1, starts[1] + stride * (out.w - 1) + 1];
        const slice = this.g.op('Slice', [
          padded,
          this.g.ints(starts),
          this.g.ints(ends),
          this.g.ints([2, 3]),
          this.g.ints([stride, stride]),
        ]);
        shifted.push(this.g.op('Unsqueeze', [slice, this.g.ints([2])]));
      }
    }
    const stacked = shifted.length === 1 ? shifted[0] : this.g.op('Concat', shifted, { axis: 2 }); // [N, C, kh·kw, Ho, Wo]
    return this.g.op('Reshape', [stacked, this.g.ints([0, -1, out.h * out.w])]);
  }

  /** Inserts stride−1 zeros between pixels: [N, C, h, w] → [N, C, (h−1)·s+1, (w−1)·s+1]. */
  private zeroStuff(x: string, xSize: Size, stride: number): string {
    if (stride === 1) return x;
    const split = this.g.op('Reshape', [x, this.g.ints([0, 0, xSize.h, 1, xSize.w, 1])]);
    const padded = this.g.op('Pad', [split, this.g.ints([0, 0, 0, 0, 0, 0, 0, 0, 0, stride - 1, 0, stride - 1])]);
    const merged = this.g.op('Reshape', [padded, this.g.ints([0, 0, xSize.h * stride, xSize.w * stride])]);
    return this.slice(merged, [0, 0], [(xSize.h - 1) * stride + 1, (xSize.w - 1) * stride + 1], [2, 3]);
  }

  /** Swaps axes 0 and 1 of a 4-D tensor (the `T(·)` of the backward formulas). */
  transpose01(a: string): string {
    return this.g.op('Transpose', [a], { perm: [1, 0, 2, 3] });
  }

  /** Reverses a kernel along both spatial axes. */
  flipSpatial(w: string): string {
    const big = 2 ** 31;
    return this.g.op('Slice', [w, this.g.ints([-1, -1]), this.g.ints([-big, -big]), this.g.ints([2, 3]), this.g.ints([-1, -1])]);
  }

  slice(a: string, starts: number[], ends: number[], axes: number[]): string {
    return this.g.op('Slice', [a, this.g.ints(starts), this.g.ints(ends), this.g.ints(axes)]);
  }

  reshape(a: string, dims: number[]): string {
    return this.g.op('Reshape', [a, this.g.ints(dims)]);
  }

  /** Sum over batch and space, keeping a per-channel vector [C]. */
  sumPerChannel(a: string): string {
    return this.g.op('ReduceSum', [a, this.g.ints([0, 2, 3])], { keepdims: 0 });
  }
}
