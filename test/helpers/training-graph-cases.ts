import { type ArchSpec, parseArch } from '../../src/engine/training/architectures.ts';

/**
 * Tiny versions of every architecture, together exercising every layer type and path of the backward pass:
 * valid and same convs, 1×1 convs (MatMul path), first layers (im2col path), k×k middle layers, ReLU, PReLU,
 * Tanh, the strided deconvolution (×2 and ×3), DepthToSpace, and both global skips (the input, and the in-graph
 * bicubic upsample of the low-resolution networks).
 */
export interface GraphCase {
  label: string;
  arch: ArchSpec;
  inputSize: number;
}

export const GRAPH_CASES: GraphCase[] = [
  { label: 'srcnn 5-1-3 valid', arch: parseArch('{"kind":"srcnn","f1":5,"f2":1,"f3":3,"n1":4,"n2":3}', 3), inputSize: 11 },
  {
    label: 'srcnn 5-3-3 valid residual',
    arch: parseArch('{"kind":"srcnn","f1":5,"f2":3,"f3":3,"n1":4,"n2":3,"residual":true}', 2),
    inputSize: 12,
  },
  {
    label: 'srcnn 5-3-3 same residual',
    arch: parseArch('{"kind":"srcnn","f1":5,"f2":3,"f3":3,"n1":4,"n2":3,"padding":"same","residual":true}', 3),
    inputSize: 7,
  },
  { label: 'fsrcnn(4,3,1) x3', arch: parseArch('{"kind":"fsrcnn","d":4,"s":3,"m":1}', 3), inputSize: 4 },
  { label: 'fsrcnn(4,3,2) x2', arch: parseArch('{"kind":"fsrcnn","d":4,"s":3,"m":2}', 2), inputSize: 5 },
  { label: 'espcn(4,3) x2', arch: parseArch('{"kind":"espcn","n1":4,"n2":3}', 2), inputSize: 4 },
  { label: 'espcn(3,2) x3', arch: parseArch('{"kind":"espcn","n1":3,"n2":2}', 3), inputSize: 3 },
  { label: 'fsrcnn(4,3,1) x2 bicubic skip', arch: parseArch('fsrcnn-4-3-1-res', 2), inputSize: 5 },
  { label: 'espcn(3,2) x3 bicubic skip', arch: parseArch('espcn-3-2-res', 3), inputSize: 4 },
  { label: 'fsrcnn(4,3,1) x2 bicubic skip relu', arch: parseArch('fsrcnn-4-3-1-res-relu', 2), inputSize: 5 },
];
