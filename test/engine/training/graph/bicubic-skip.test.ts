import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bicubicPhaseWeights } from '../../../../src/engine/imaging/bicubic-phases.ts';
import { imresize } from '../../../../src/engine/imaging/matlab-resize.ts';
import { GraphBuilder } from '../../../../src/engine/onnx/graph-builder.ts';
import { Rng, Stream } from '../../../../src/engine/seeded-random.ts';
import { emitBicubicUpsample } from '../../../../src/engine/training/graph/bicubic-skip.ts';

async function upsampleInGraph(data: Float32Array, width: number, height: number, scale: number): Promise<Float32Array> {
  const g = new GraphBuilder('float32');
  const x = g.input('x', [1, 1, height, width]);
  g.op('Identity', [emitBicubicUpsample(g, x, scale)], {}, 'y');
  g.output('y', [1, 1, height * scale, width * scale]);
  const session = await ort.InferenceSession.create(g.toModel(), { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const out = await session.run({ x: new ort.Tensor('float32', data, [1, 1, height, width]) });
  await session.release();
  return out.y.data as Float32Array;
}

describe('the bicubic skip of the low-resolution networks', () => {
  it('has phase weights that each sum to 1', () => {
    for (const scale of [2, 3, 4]) {
      const w = bicubicPhaseWeights(scale);
      for (let c = 0; c < scale * scale; c += 1) {
        const sum = w.subarray(c * 25, (c + 1) * 25).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  for (const scale of [2, 3, 4]) {
    it(`equals MATLAB imresize ×${scale} away from the border, and stays close at it`, async () => {
      const width = 23;
      const height = 17;
      const rng = Rng.keyed(scale, Stream.batch, 0);
      const lr = Float32Array.from({ length: width * height }, () => rng.next() * 255);
      const want = imresize({ width, height, data: lr }, width * scale, height * scale, 'bicubic').data;
      const got = await upsampleInGraph(lr, width, height, scale);
      const W = width * scale;
      let interior = 0;
      let border = 0;
      for (let y = 0; y < height * scale; y += 1) {
        for (let x = 0; x < W; x += 1) {
          const diff = Math.abs(got[y * W + x] - want[y * W + x]);
          // Two LR pixels from the edge, MATLAB's mirror and the graph's edge padding read the same pixels.
          const inside = x >= 2 * scale && y >= 2 * scale && x < W - 2 * scale && y < height * scale - 2 * scale;
          if (inside) interior = Math.max(interior, diff);
          else border = Math.max(border, diff);
        }
      }
      expect(interior).toBeLessThan(1e-3); // float32 on a 0–255 range
      expect(border).toBeLessThan(0.05 * 255);
      expect(border).toBeGreaterThan(interior); // the test does reach the border
    });
  }
});
