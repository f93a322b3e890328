import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { EditableGraph } from '../../../src/engine/onnx/editable-graph.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { convSites } from '../../../src/engine/quantize/conv-sites.ts';
import { phaseBlock, rewriteAsPhaseConv } from '../../../src/engine/quantize/phase-conv.ts';
import { seededRandom } from '../../../src/engine/seeded-random.ts';

interface Layer {
  op: 'Conv' | 'ConvTranspose';
  cin: number;
  cout: number;
  k: number;
  stride?: number;
  pads: [number, number, number, number];
  outputPadding?: number;
}

/** One layer (plus a ReLU before it, so that it is not the model's first operator) with pseudo-random weights. */
function layerModel(layer: Layer): Uint8Array {
  const rand = seededRandom(3);
  const g = new GraphBuilder();
  const x = g.input('input', ['N', layer.cin, 'H', 'W']);
  const dims = layer.op === 'Conv' ? [layer.cout, layer.cin, layer.k, layer.k] : [layer.cin, layer.cout, layer.k, layer.k];
  const w = g.initializer(
    'w',
    dims,
    Float32Array.from({ length: layer.cin * layer.cout * layer.k ** 2 }, () => rand() - 0.5),
  );
  const b = g.initializer(
    'b',
    [layer.cout],
    Float32Array.from({ length: layer.cout }, () => rand() - 0.5),
  );
  const s = layer.stride ?? 1;
  const attrs = {
    kernel_shape: [layer.k, layer.k],
    pads: layer.pads,
    ...(layer.op === 'ConvTranspose' ? { strides: [s, s], output_padding: [layer.outputPadding ?? 0, layer.outputPadding ?? 0] } : {}),
  };
  g.op(layer.op, [g.op('Relu', [x]), w, b], attrs, 'output');
  g.output('output', ['N', layer.cout, 'OH', 'OW']);
  return g.toModel();
}

async function run(model: Uint8Array, input: ort.Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  return (await session.run({ input })).output as ort.Tensor;
}

const LAYERS: [string, Layer][] = [
  ['SRCNN last layer, 32 → 1 5×5 same', { op: 'Conv', cin: 32, cout: 1, k: 5, pads: [2, 2, 2, 2] }],
  ['3 → 3 3×3 same (b = 3)', { op: 'Conv', cin: 3, cout: 3, k: 3, pads: [1, 1, 1, 1] }],
  ['valid 8 → 2 3×3', { op: 'Conv', cin: 8, cout: 2, k: 3, pads: [0, 0, 0, 0] }],
  ['uneven pads 4 → 1 4×4', { op: 'Conv', cin: 4, cout: 1, k: 4, pads: [1, 2, 2, 1] }],
  ['FSRCNN ×2 deconvolution', { op: 'ConvTranspose', cin: 8, cout: 1, k: 9, stride: 2, pads: [4, 4, 4, 4], outputPadding: 1 }],
  ['FSRCNN ×3 deconvolution', { op: 'ConvTranspose', cin: 8, cout: 1, k: 9, stride: 3, pads: [4, 4, 4, 4], outputPadding: 2 }],
  ['FSRCNN ×4 deconvolution', { op: 'ConvTranspose', cin: 8, cout: 1, k: 9, stride: 4, pads: [4, 4, 4, 4], outputPadding: 3 }],
  ['4×4 stride-2 deconvolution, 3 channels', { op: 'ConvTranspose', cin: 6, cout: 3, k: 4, stride: 2, pads: [1, 1, 1, 1] }],
  ['wide deconvolution, 16 channels', { op: 'ConvTranspose', cin: 4, cout: 16, k: 3, stride: 2, pads: [1, 1, 1, 1], outputPadding: 1 }],
];

describe('a narrow layer in phase form', () => {
  for (const [name, layer] of LAYERS) {
    it(`${name}: gives the layer's output on inputs of any size`, async () => {
      const original = layerModel(layer);
      const graph = EditableGraph.decode(original);
      const [site] = convSites(graph);
      const b = phaseBlock(site);
      expect(b).toBeGreaterThan(0);
      expect(site.outChannels * (site.strides[0] * b) ** 2).toBeGreaterThanOrEqual(16);
      expect(rewriteAsPhaseConv(graph, site, b)).toBeDefined();
      expect(graph.nodes.map((n) => n.opType)).not.toContain('ConvTranspose');
      const rewritten = graph.encode();
      const rand = seededRandom(5);
      // Odd, even and tiny sizes: the phase blocks overhang the border differently in each.
      for (const [h, w] of [
        [17, 23],
        [24, 16],
        [5, 7],
      ]) {
        const input = new ort.Tensor(
          'float32',
          Float32Array.from({ length: 2 * layer.cin * h * w }, () => rand() * 2 - 1),
          [2, layer.cin, h, w],
        );
        const want = await run(original, input);
        const got = await run(rewritten, input);
        expect(got.dims).toEqual(want.dims);
        const a = want.data as Float32Array;
        const c = got.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - c[i]));
        expect(worst, `${h}×${w}`).toBeLessThan(1e-4);
      }
    });
  }

  it('is not used where the output is wide enough, or for strided convolutions', () => {
    const wide = convSites(EditableGraph.decode(layerModel({ op: 'Conv', cin: 8, cout: 16, k: 3, pads: [1, 1, 1, 1] })))[0];
    expect(phaseBlock(wide)).toBe(0);
  });
});
