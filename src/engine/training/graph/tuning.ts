/**
 * Which of the equivalent backward spellings the train step uses. The defaults are what won in
 * `bench/profile-train-step.ts` on the 2-core AVX-512 box (see the numbers in that file's header); the others stay
 * selectable so the profile can be re-run on other machines.
 */
export interface Tuning {
  /** 1×1 layers: weight gradient as one Gemm over [C, B·H·W] ('gemm') or a batched MatMul + ReduceSum ('batched'). */
  oneByOneWeightGrad: 'gemm' | 'batched';
  /** 1×1 layers: input gradient as MatMul with Wᵀ ('matmul') or as the generic k×k path ('conv'). */
  oneByOneInputGrad: 'matmul' | 'conv';
  /** Layers with in-channels × k² at most this use im2col (one-hot Conv) + MatMul for the weight gradient. */
  im2colMaxPatch: number;
  /** For im2col layers, also compute the forward from the patches (one conv fewer) instead of a separate Conv. */
  forwardFromPatches: boolean;
  /**
   * Stride-1 input gradients: full correlation with flipped weights ('conv'), ORT's ConvTranspose, or 'rowShift'
   * (row-shift.ts: one MatMul over the column shifts of g, then a row col2im). For SRCNN 9-5-5's middle layer
   * 'rowShift' tied with 'conv' (MatMul 81 ms + col2im 39 ms vs Conv 119 ms, same profile run) and lost on the
   * wall clock (175 vs 186 samples/s, interleaved), so 'conv' stays the default.
   */
  inputGrad: 'conv' | 'convTranspose' | 'rowShift';
  /** ReLU backward: Where(y > 0, g, 0) ('where') or g · Sign(y), exact because y ≥ 0 ('sign'). */
  reluMask: 'where' | 'sign';
  /**
   * k×k weight gradients (layers not using im2col). 'gradKernel': the textbook single Conv with T(g) as the
   * kernel; 'inputKernel': the same with T(x) as the kernel and the result flipped, which keeps the output channels
   * wide; 'shiftedMatMul': for each kernel offset, a batched MatMul of g with the shifted input — ORT runs
   * Convs with 20×20+ kernels far below GEMM speed; 'rowShift' (row-shift.ts): one batched MatMul of g's column
   * shifts with the input's row shifts, contracting over batch and space with k·Co × k·Ci outputs.
   * 'auto': rowShift for layers with cin·cout ≥ rowShiftMinChannels, else shiftedMatMul for layers with 8+ output
   * channels, else inputKernel (a Gemm with one output row is slow).
   * SRCNN 9-5-5's middle layer (64→32, 5×5, batch 64): rowShift's MatMul + Gather + Pads/Concat ≈ 125 ms against
   * shiftedMatMul's 25 Gemms + 25 Slices ≈ 510 ms in the same profile run; whole step 186 vs 146 samples/s
   * (best of 5 interleaved rounds, load ≈ 8). FSRCNN's 12→12 maps lose with it (459 samples/s against 535 and 648
   * for two runs of the unchanged graph: the copies outweigh 3×3·12-channel Gemms), hence the channel threshold.
   * ESPCN ×3's 64→32 3×3 layer takes it: 613 vs 585 samples/s with shiftedMatMul, within the noise.
   */
  weightGrad: 'gradKernel' | 'inputKernel' | 'shiftedMatMul' | 'rowShift' | 'auto';
  /**
   * k×k forward: ORT's Conv, or 'rowShift' (row-shift.ts: one MatMul over the input's row shifts, which the
   * weight gradient builds anyway, then the column sum). On SRCNN 9-5-5's middle layer rowShift's MatMul alone
   * (111-133 ms) was no faster than the NCHWc Conv (100-122 ms), so 'conv' stays the default.
   */
  forward: 'conv' | 'rowShift';
  /** weightGrad 'auto' uses 'rowShift' for k×k layers with at least this many cin·cout (SRCNN 9-5-5: 2048; FSRCNN: 144). */
  rowShiftMinChannels: number;
  /**
   * k×k layers with at most this many output channels (SRCNN's last layer) run forward as one MatMul to k²·Co
   * maps plus a sum of shifted slices: ORT's Conv is several times slower with a single output channel.
   */
  shiftedMatMulMaxOut: number;
}

export const DEFAULT_TUNING: Tuning = {
  oneByOneWeightGrad: 'batched',
  oneByOneInputGrad: 'matmul',
  im2colMaxPatch: 128,
  forwardFromPatches: false,
  inputGrad: 'conv',
  forward: 'conv',
  rowShiftMinChannels: 1024,
  reluMask: 'sign',
  weightGrad: 'auto',
  shiftedMatMulMaxOut: 4,
};

/** Whether a k×k conv layer's forward, weight gradient or input gradient uses the row-shift spelling (row-shift.ts). */
export function usesRowShift(
  layer: { cin: number; cout: number; k: number },
  part: 'forward' | 'weightGrad' | 'inputGrad',
  tuning: Tuning,
): boolean {
  if (layer.k === 1) return false;
  const choice = tuning[part];
  if (choice === 'auto') return layer.cin * layer.cout >= tuning.rowShiftMinChannels;
  return choice === 'rowShift';
}
