/**
 * The trainable architectures, as the papers describe them (see docs/sr-protocol.md). Every size is configurable;
 * the named presets are the papers' settings.
 */
export type ArchSpec =
  | {
      kind: 'srcnn';
      f1: number;
      f2: number;
      f3: number;
      n1: number;
      n2: number;
      padding: 'valid' | 'same';
      residual: boolean;
      scale: number;
    }
  /**
   * `residual`: add the bicubic-upsampled input to the output (see graph/bicubic-skip.ts); not in the papers.
   * `activation: 'relu'`: ReLU instead of the paper's PReLU, so that every activation fuses into its convolution (in
   * int8 too, where a per-channel PReLU runs apart, in float); not in the papers.
   */
  | { kind: 'fsrcnn'; d: number; s: number; m: number; scale: number; residual?: boolean; activation?: 'relu' }
  | { kind: 'espcn'; scale: number; n1?: number; n2?: number; residual?: boolean };

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Inputs feeding one output value (in-channels × kernel area): He initialisation scales by it. */
  fanIn: number;
  kind: 'weight' | 'bias' | 'prelu';
}
