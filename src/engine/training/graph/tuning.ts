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
  /** Stride-1 input gradients: full correlation with flipped weights ('conv') or ORT's ConvTranspose. */
  inputGrad: 'conv' | 'convTranspose';
  /** ReLU backward: Where(y > 0, g, 0) ('where') or g · Sign(y), exact because y ≥ 0 ('sign'). */
  reluMask: 'where' | 'sign';
  /**
   * k×k weight gradients (layers not using im2col). 'gradKernel': the textbook single Conv with T(g) as the
   * kernel; 'inputKernel': the same with T(x) as the kernel and the result flipped, which keeps the output channels
   * wide; 'shiftedMatMul': for each kernel offset, a batched MatMul of g with the shifted input — ORT runs
   * Convs with 20×20+ kernels far below GEMM speed. 'auto': shiftedMatMul for layers with 8+ output channels
   * (SRCNN 9-5-5's middle layer: 2× faster), inputKernel for narrow ones (a Gemm with one output row is slow).
   */
  weightGrad: 'gradKernel' | 'inputKernel' | 'shiftedMatMul' | 'auto';
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
  reluMask: 'sign',
  weightGrad: 'auto',
  shiftedMatMulMaxOut: 4,
};
