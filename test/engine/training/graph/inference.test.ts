import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../../../src/engine/onnx/proto.ts';
import {
  type ArchSpec,
  archName,
  inputKindOf,
  outputSizeFor,
  paramSpecs,
  parseArch,
  receptiveRadius,
} from '../../../../src/engine/training/architectures.ts';
import { buildInferenceModel } from '../../../../src/engine/training/graph/inference.ts';
import { buildForwardLoss } from '../../../../src/engine/training/graph/train-step.ts';
import { MODEL_META_KEY, ModelMeta } from '../../../../src/shared/model-meta.ts';
import { feedsFor, randomProblem, session } from '../../../helpers/training-graph-fd.ts';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-h6-export-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function metaFor(arch: ArchSpec): ModelMeta {
  return ModelMeta.parse({
    id: `test-${archName(arch)}`,
    name: `Test ${archName(arch)}`,
    architecture: archName(arch),
    scale: arch.scale,
    colorMode: 'y',
    inputKind: inputKindOf(arch),
    halo: receptiveRadius(arch),
    provenance: 'unit test',
  });
}

function asParams(arch: ArchSpec, values: Map<string, Float64Array>): Map<string, Float32Array> {
  return new Map(paramSpecs(arch).map((spec) => [spec.name, Float32Array.from(values.get(spec.name)!)]));
}

/** Writes the exported model to disk and loads it from there, as the model zoo will. */
async function exportAndLoad(arch: ArchSpec, params: Map<string, Float32Array>): Promise<{ bytes: Uint8Array; s: ort.InferenceSession }> {
  const bytes = buildInferenceModel(arch, params, metaFor(arch));
  const file = path.join(tempDir, `${archName(arch)}-x${arch.scale}.onnx`);
  fs.writeFileSync(file, bytes);
  return { bytes, s: await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 }) };
}

async function trainingForward(arch: ArchSpec, batch: number, inputSize: number, values: Map<string, Float64Array>): Promise<Float32Array> {
  const s = await session(buildForwardLoss(arch, { batch, inputSize, loss: 'mse' }));
  const result = await s.run(feedsFor(arch, batch, inputSize, values, 'float32'));
  return result.output.data as Float32Array;
}

describe('buildInferenceModel', () => {
  const sameCases: [string, number, number][] = [
    ['srcnn-9-5-5-same', 3, 20],
    ['srcnn-9-1-5-same-res', 2, 17],
    ['{"kind":"fsrcnn","d":8,"s":4,"m":2}', 3, 9],
    ['{"kind":"fsrcnn","d":8,"s":4,"m":1}', 4, 6],
    ['{"kind":"espcn","n1":8,"n2":4}', 3, 7],
    ['fsrcnn-8-4-1-res', 2, 9],
    ['espcn-8-4-res', 4, 6],
  ];
  for (const [name, scale, size] of sameCases) {
    it(`gives the training forward's output on the same weights: ${name} ×${scale}`, async () => {
      const arch = parseArch(name, scale);
      const batch = 2;
      const values = randomProblem(arch, batch, size, 3);
      const want = await trainingForward(arch, batch, size, values);
      const { bytes, s } = await exportAndLoad(arch, asParams(arch, values));
      const out = await s.run({ input: new ort.Tensor('float32', Float32Array.from(values.get('x')!), [batch, 1, size, size]) });
      const outSize = outputSizeFor(arch, size);
      expect(out.output.dims).toEqual([batch, 1, outSize, outSize]);
      const got = out.output.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < want.length; i += 1) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-5);
      // Self-describing: the metadata travels in metadata_props under `srstudio`.
      const props = decodeModel(bytes).metadataProps ?? [];
      const meta = ModelMeta.parse(JSON.parse(props.find((p) => p.key === MODEL_META_KEY)!.value));
      expect(meta).toMatchObject({ architecture: archName(arch), scale, inputKind: inputKindOf(arch), halo: receptiveRadius(arch) });
    });
  }

  it('exports a valid-trained SRCNN with same padding: equal to training away from the zero-padded border', async () => {
    const arch = parseArch('srcnn-9-1-5-res', 3);
    const size = 19;
    const values = randomProblem(arch, 1, size, 9);
    const valid = await trainingForward(arch, 1, size, values); // 7×7, the centre
    const { s } = await exportAndLoad(arch, asParams(arch, values));
    const x = Float32Array.from(values.get('x')!);
    const out = await s.run({ input: new ort.Tensor('float32', x, [1, 1, size, size]) });
    expect(out.output.dims).toEqual([1, 1, size, size]);
    const full = out.output.data as Float32Array;
    const r = receptiveRadius(arch);
    const inner = size - 2 * r;
    for (let y = 0; y < inner; y += 1) {
      for (let xx = 0; xx < inner; xx += 1) expect(full[(y + r) * size + xx + r]).toBeCloseTo(valid[y * inner + xx], 5);
    }
  });

  it('accepts any batch and image size (dynamic N, H, W), and leaves values unclipped', async () => {
    const arch = parseArch('{"kind":"espcn","n1":4,"n2":4}', 2);
    const values = randomProblem(arch, 1, 4, 1);
    values.set('conv3.b', Float64Array.of(5, 5, 5, 5)); // pushes every output far above 1
    const { s } = await exportAndLoad(arch, asParams(arch, values));
    for (const [n, h, w] of [
      [1, 5, 7],
      [3, 12, 4],
    ]) {
      const out = await s.run({ input: new ort.Tensor('float32', new Float32Array(n * h * w).fill(0.5), [n, 1, h, w]) });
      expect(out.output.dims).toEqual([n, 1, h * 2, w * 2]);
      expect(Math.min(...(out.output.data as Float32Array))).toBeGreaterThan(1);
    }
  });

  it('refuses weights that do not fit and metadata that contradicts the architecture', () => {
    const arch = parseArch('srcnn-9-5-5', 3);
    const params = asParams(arch, randomProblem(arch, 1, 17, 1));
    params.delete('conv2.w');
    expect(() => buildInferenceModel(arch, params, metaFor(arch))).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining("'conv2.w'") }),
    );
    const full = asParams(arch, randomProblem(arch, 1, 17, 1));
    expect(() => buildInferenceModel(arch, full, { ...metaFor(arch), halo: 2 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining('halo 2 < receptive radius 8') }),
    );
    expect(() => buildInferenceModel(arch, full, { ...metaFor(arch), inputKind: 'lr' })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
