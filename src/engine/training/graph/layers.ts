import type { ArchSpec, ParamSpec } from '../arch-spec.ts';

/**
 * An architecture as a flat list of layers. The training graph, the gradient graph and the exported inference
 * model are all generated from this one list, so they cannot disagree about the network.
 * Parameters are named `<layer>.w`, `<layer>.b` (and `<layer>.a` for PReLU slopes).
 */
export type Layer =
  /** Stride-1 convolution with a k×k kernel and `pad` zero pixels on every side. */
  | { type: 'conv'; name: string; cin: number; cout: number; k: number; pad: number }
  /** Transposed convolution (FSRCNN's deconvolution), weight [cin, cout, k, k]. */
  | { type: 'deconv'; name: string; cin: number; cout: number; k: number; stride: number; pad: number; outputPadding: number }
  | { type: 'relu' }
  | { type: 'prelu'; name: string; channels: number }
  | { type: 'tanh' }
  /** Pixel shuffle: PyTorch `pixel_shuffle` = ONNX DepthToSpace mode CRD. */
  | { type: 'depthToSpace'; blocksize: number };

export interface Network {
  layers: Layer[];
  /**
   * The global skip added to the output, so the network learns only the residual over bicubic:
   * - `input`: the (centre-cropped) input itself, for networks that see the bicubic-upsampled image (SRCNN);
   * - `bicubic`: the low-resolution input upsampled ×scale in the graph (bicubic-skip.ts), for FSRCNN and ESPCN.
   */
  skip: 'none' | 'input' | 'bicubic';
}

export function layersOf(arch: ArchSpec): Layer[] {
  return networkOf(arch).layers;
}

export function networkOf(arch: ArchSpec): Network {
  switch (arch.kind) {
    case 'srcnn': {
      const pad = (k: number) => (arch.padding === 'same' ? (k - 1) / 2 : 0);
      return {
        skip: arch.residual ? 'input' : 'none',
        layers: [
          { type: 'conv', name: 'conv1', cin: 1, cout: arch.n1, k: arch.f1, pad: pad(arch.f1) },
          { type: 'relu' },
          { type: 'conv', name: 'conv2', cin: arch.n1, cout: arch.n2, k: arch.f2, pad: pad(arch.f2) },
          { type: 'relu' },
          { type: 'conv', name: 'conv3', cin: arch.n2, cout: 1, k: arch.f3, pad: pad(arch.f3) },
        ],
      };
    }
    case 'fsrcnn': {
      const { d, s, m, scale } = arch;
      const act = (name: string, channels: number): Layer =>
        arch.activation === 'relu' ? { type: 'relu' } : { type: 'prelu', name, channels };
      const layers: Layer[] = [
        { type: 'conv', name: 'feature', cin: 1, cout: d, k: 5, pad: 2 },
        act('feature', d),
        { type: 'conv', name: 'shrink', cin: d, cout: s, k: 1, pad: 0 },
        act('shrink', s),
      ];
      for (let i = 1; i <= m; i += 1) {
        layers.push({ type: 'conv', name: `map${i}`, cin: s, cout: s, k: 3, pad: 1 }, act(`map${i}`, s));
      }
      // Output side (h−1)·scale − 2·4 + 9 + (scale−1) = scale·h exactly, for every scale (output_padding < stride).
      layers.push({ type: 'conv', name: 'expand', cin: s, cout: d, k: 1, pad: 0 }, act('expand', d), {
        type: 'deconv',
        name: 'deconv',
        cin: d,
        cout: 1,
        k: 9,
        stride: scale,
        pad: 4,
        outputPadding: scale - 1,
      });
      return { skip: arch.residual ? 'bicubic' : 'none', layers };
    }
    case 'espcn': {
      const n1 = arch.n1 ?? 64;
      const n2 = arch.n2 ?? 32;
      const r = arch.scale;
      return {
        skip: arch.residual ? 'bicubic' : 'none',
        layers: [
          { type: 'conv', name: 'conv1', cin: 1, cout: n1, k: 5, pad: 2 },
          { type: 'tanh' },
          { type: 'conv', name: 'conv2', cin: n1, cout: n2, k: 3, pad: 1 },
          { type: 'tanh' },
          { type: 'conv', name: 'conv3', cin: n2, cout: r * r, k: 3, pad: 1 },
          { type: 'depthToSpace', blocksize: r },
        ],
      };
    }
  }
}

export function paramSpecsOf(layers: Layer[]): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const layer of layers) {
    if (layer.type === 'conv') {
      const fanIn = layer.cin * layer.k * layer.k;
      specs.push({ name: `${layer.name}.w`, shape: [layer.cout, layer.cin, layer.k, layer.k], fanIn, kind: 'weight' });
      specs.push({ name: `${layer.name}.b`, shape: [layer.cout], fanIn, kind: 'bias' });
    } else if (layer.type === 'deconv') {
      const fanIn = layer.cin * layer.k * layer.k;
      specs.push({ name: `${layer.name}.w`, shape: [layer.cin, layer.cout, layer.k, layer.k], fanIn, kind: 'weight' });
      specs.push({ name: `${layer.name}.b`, shape: [layer.cout], fanIn, kind: 'bias' });
    } else if (layer.type === 'prelu') {
      specs.push({ name: `${layer.name}.a`, shape: [layer.channels, 1, 1], fanIn: 1, kind: 'prelu' });
    }
  }
  return specs;
}
