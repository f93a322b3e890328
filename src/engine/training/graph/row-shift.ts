import type { Primitives, Size } from './primitives.ts';

/**
 * A stride-1 k×k convolution split into row shifts of the input and column shifts of the output gradient, so that
 * each product is one batched MatMul with wide, GEMM-friendly shapes (k·C on both sides) and the copies move
 * whole rows. With xp the padded input [B, Ci, Hp, Wp], g the output gradient [B, Co, Ho, Wo]:
 *
 *   X_rows[b, (ci,i), y, q] = xp[b, ci, y+i, q]          (y < Ho, q < Wp)
 *   G_cols[b, (j,co), y, q] = g[b, co, y, q−j]            (zero where q−j is outside [0, Wo))
 *
 * and, contracting over K = (y, q), Ho·Wp entries:
 *   dW[co, ci, i, j]   = Σ_b (G_cols[b] · X_rows[b]ᵀ)[(j,co), (ci,i)]     (one batched MatMul + ReduceSum over b)
 *   dxp[b, ci, y', q]  = Σ_i (W'·G_cols[b])[(ci,i), y'−i, q]              (one MatMul, then a col2im over rows)
 *   y[b, co, y, x]     = Σ_j (W''·X_rows[b])[(co,j), y, x+j]              (one MatMul, then a sum over columns)
 *
 * The MatMuls do Wp/Wo times the convolution's FLOPs (25/21 ≈ 1.19 for SRCNN 9-5-5's middle layer) at GEMM speed,
 * where ORT ran the textbook weight gradient (a Conv with a 21×21 kernel) or 25 per-offset Gemms over Slices far
 * slower. Which layers use which part, and the measurements: tuning.ts.
 */
export interface RowShiftSpec {
  cin: number;
  cout: number;
  k: number;
  pad: number;
}

/**
 * The padded input's row shifts: [B, Ci, H, W] → X_rows [B, Ci·k, Ho, Wp], channel ci·k + i. One Gather along the
 * rows (indices i + y) writes it in one pass; k Slices and a Concat took two.
 */
export function rowShiftedInput(ops: Primitives, x: string, size: Size, spec: RowShiftSpec): string {
  const { g } = ops;
  const { k, pad, cin } = spec;
  const padded = pad > 0 ? g.op('Pad', [x, g.ints([0, 0, pad, pad, 0, 0, pad, pad])]) : x;
  const outH = size.h + 2 * pad - k + 1;
  const rows: number[] = [];
  for (let i = 0; i < k; i += 1) for (let y = 0; y < outH; y += 1) rows.push(i + y);
  const gathered = g.op('Gather', [padded, g.ints(rows)], { axis: 2 }); // [B, Ci, k·Ho, Wp]
  return ops.reshape(gathered, [0, cin * k, outH, size.w + 2 * pad]);
}

/** The output gradient's column shifts: g [B, Co, Ho, Wo] → G_cols [B, k·Co, Ho, Wo + k − 1], channel j·Co + co. */
export function columnShiftedGrad(ops: Primitives, grad: string, k: number): string {
  const { g } = ops;
  const cols: string[] = [];
  for (let j = 0; j < k; j += 1) cols.push(g.op('Pad', [grad, g.ints([0, 0, 0, j, 0, 0, 0, k - 1 - j])]));
  return cols.length === 1 ? cols[0] : g.op('Concat', cols, { axis: 1 });
}

/** dW [Co, Ci, k, k] from X_rows and G_cols. */
export function rowShiftWeightGrad(ops: Primitives, xRows: string, gCols: string, spec: RowShiftSpec): string {
  const { g } = ops;
  const { cin, cout, k } = spec;
  const a = ops.reshape(gCols, [0, k * cout, -1]); // [B, (j,co), K]
  const bT = g.op('Transpose', [ops.reshape(xRows, [0, cin * k, -1])], { perm: [0, 2, 1] }); // [B, K, (ci,i)]; fused into MatMul
  const summed = g.op('ReduceSum', [g.op('MatMul', [a, bT]), g.ints([0])], { keepdims: 0 }); // [(j,co), (ci,i)]
  return g.op('Transpose', [ops.reshape(summed, [k, cout, cin, k])], { perm: [1, 2, 3, 0] });
}

/**
 * For z [B, C, k·L] holding k rows of L per channel: the sum of the rows, row r moved by r·shift ("skewed"), with
 * only Pad, Reshape, Slice and ReduceSum, so that it also runs in float64 (no ORT Conv there).
 * shift > 0 (row r moved right; result [B, C, L + (k−1)·shift]): pad every row with k·shift zeros, flatten, drop
 * the trailing k·shift zeros and read it back as k rows of L + (k−1)·shift: row r now starts r·shift later.
 * shift = −1 (row r moved left by r; result [B, C, L + 1], exact in its first L − k + 1 entries): pad the flat
 * tensor with k zeros and read it back as k rows of L + 1.
 */
function skewedRowSum(ops: Primitives, z: string, channels: number, k: number, length: number, shift: number): string {
  const { g } = ops;
  if (shift < 0) {
    const flat = g.op('Pad', [ops.reshape(z, [0, channels, k * length]), g.ints([0, 0, 0, 0, 0, k])]);
    return g.op('ReduceSum', [ops.reshape(flat, [0, channels, k, length + 1]), g.ints([2])], { keepdims: 0 });
  }
  const out = length + (k - 1) * shift;
  const rows = g.op('Pad', [ops.reshape(z, [0, channels, k, length]), g.ints([0, 0, 0, 0, 0, 0, 0, k * shift])]);
  const flat = ops.slice(ops.reshape(rows, [0, channels, -1]), [0], [k * out], [2]);
  return g.op('ReduceSum', [ops.reshape(flat, [0, channels, k, out]), g.ints([2])], { keepdims: 0 });
}

/**
 * The row col2im out[b, ci, y + i, q] = Σ_i z[b, (ci,i), y, q] as one grouped ConvTranspose with a one-hot k×1
 * kernel: 39 ms against 77 ms for the skewed sum (Pad + Slice + ReduceSum) on SRCNN 9-5-5's middle layer.
 */
function col2imRows(ops: Primitives, z: string, channels: number, k: number): string {
  const oneHot = new Float32Array(channels * k * k);
  for (let c = 0; c < channels; c += 1) for (let i = 0; i < k; i += 1) oneHot[(c * k + i) * k + i] = 1;
  const kernel = ops.g.initializer(`col2im_rows_${k}_c${channels}_${z}`, [channels * k, 1, k, 1], oneHot);
  return ops.g.op('ConvTranspose', [z, kernel], { kernel_shape: [k, 1], group: channels });
}

/**
 * dx [B, Ci, H, W] from G_cols: Z = W'·G_cols with W'[(ci,i), (j,co)] = W[co,ci,i,j], then row i of each channel's
 * k blocks moved down by i rows and summed (a col2im over rows); the forward padding is cropped off.
 */
export function rowShiftInputGrad(ops: Primitives, gCols: string, w: string, inputSize: Size, spec: RowShiftSpec): string {
  const { g } = ops;
  const { cin, cout, k, pad } = spec;
  const paddedH = inputSize.h + 2 * pad;
  const paddedW = inputSize.w + 2 * pad;
  const outH = paddedH - k + 1;
  const wT = ops.reshape(g.op('Transpose', [w], { perm: [1, 2, 3, 0] }), [cin * k, k * cout]);
  const z = g.op('MatMul', [wT, ops.reshape(gCols, [0, k * cout, -1])]); // [B, (ci,i), Ho·Wp]
  const dxp = ops.float64
    ? ops.reshape(skewedRowSum(ops, z, cin, k, outH * paddedW, paddedW), [0, cin, paddedH, paddedW])
    : col2imRows(ops, ops.reshape(z, [0, cin * k, outH, paddedW]), cin, k);
  return pad > 0 ? ops.slice(dxp, [pad, pad], [pad + inputSize.h, pad + inputSize.w], [2, 3]) : dxp;
}

/** The forward y [B, Co, Ho, Wo] (plus bias) from X_rows: Z = W''·X_rows, then the k column shifts of Z summed. */
export function rowShiftForward(ops: Primitives, xRows: string, w: string, bias: string, inputSize: Size, spec: RowShiftSpec): string {
  const { g } = ops;
  const { cin, cout, k, pad } = spec;
  const paddedW = inputSize.w + 2 * pad;
  const outH = inputSize.h + 2 * pad - k + 1;
  const outW = paddedW - k + 1;
  const wT = ops.reshape(g.op('Transpose', [w], { perm: [0, 3, 1, 2] }), [cout * k, cin * k]); // [(co,j), (ci,i)]
  const z = g.op('MatMul', [wT, ops.reshape(xRows, [0, cin * k, -1])]); // [B, (co,j), Ho·Wp]
  const length = outH * paddedW;
  if (!ops.float64) {
    // The column sum as a grouped Conv with a one-hot 1×k kernel per output channel, bias included: one pass,
    // where the skewed sum below copies the MatMul's output twice.
    const oneHot = new Float32Array(cout * k * k);
    for (let c = 0; c < cout; c += 1) for (let j = 0; j < k; j += 1) oneHot[(c * k + j) * k + j] = 1;
    const kernel = g.initializer(`colsum_${k}_c${cout}_${z}`, [cout, k, 1, k], oneHot);
    return g.op('Conv', [ops.reshape(z, [0, cout * k, outH, paddedW]), kernel, bias], { kernel_shape: [1, k], group: cout });
  }
  const summed = ops.slice(skewedRowSum(ops, z, cout, k, length, -1), [0], [length], [2]);
  const y = ops.slice(ops.reshape(summed, [0, cout, outH, paddedW]), [0], [outW], [3]);
  return g.op('Add', [y, ops.reshape(bias, [-1, 1, 1])]);
}
