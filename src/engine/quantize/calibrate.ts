import * as ort from 'onnxruntime-node';
import type { Plane } from '../imaging/image.ts';
import { computeThreads } from '../models/cpu-cores.ts';
import { EditableGraph } from '../onnx/editable-graph.ts';
import { DataType } from '../onnx/proto.ts';
import { seededRandom } from '../seeded-random.ts';
import { ActivationHistogram, type RangeMethod } from './activation-range.ts';

/**
 * Static calibration: runs the float model on patches of the calibration photos (the model's own input planes:
 * LR Y, or the bicubic-upsampled Y for SRCNN-style models), reads the activation tensors that will be quantised, and
 * picks each one's uint8 range (activation-range.ts). Values within the model's receptive radius of a patch border
 * are left out: they come from the graph's zero padding, which the tiler always crops away.
 */

export interface CalibrationPatches {
  /** [n, 1, side, side] batches in the model's input range. */
  batches: Float32Array[];
  side: number;
  /** Input pixels at each border that only see zero padding (the model's halo). */
  margin: number;
}

export const CALIBRATION_PATCHES = 256;
const BATCH = 16;

/** `count` patches of `side`² input pixels at seeded positions, spread over the planes in turn. */
export function cutPatches(
  planes: readonly Plane[],
  side: number,
  margin: number,
  count = CALIBRATION_PATCHES,
  seed = 1,
): CalibrationPatches {
  const usable = planes.filter((p) => p.width >= side && p.height >= side);
  const rand = seededRandom(seed);
  const batches: Float32Array[] = [];
  for (let start = 0; start < count && usable.length > 0; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const batch = new Float32Array(n * side * side);
    for (let i = 0; i < n; i++) {
      const plane = usable[(start + i) % usable.length];
      const left = Math.floor(rand() * (plane.width - side + 1));
      const top = Math.floor(rand() * (plane.height - side + 1));
      for (let y = 0; y < side; y++) {
        batch.set(plane.data.subarray((top + y) * plane.width + left, (top + y) * plane.width + left + side), (i * side + y) * side);
      }
    }
    batches.push(batch);
  }
  return { batches, side, margin };
}

/** The model with `tensors` as extra outputs, so one run shows them all. */
function observingModel(model: Uint8Array, tensors: string[]): Uint8Array {
  const graph = EditableGraph.decode(model);
  for (const name of tensors) {
    const dim = ['n', 'c', 'h', 'w'].map((d) => ({ dimParam: `${name}/${d}` }));
    graph.outputs.push({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } });
  }
  return graph.encode();
}

/** Visits the values of a [n, c, h, w] tensor away from its border (the margin scaled to its resolution). */
function forInterior(tensor: ort.Tensor, inputSide: number, margin: number, visit: (value: number) => void): void {
  const [n, c, h, w] = tensor.dims as number[];
  const data = tensor.data as Float32Array;
  const my = Math.ceil((margin * h) / inputSide);
  const mx = Math.ceil((margin * w) / inputSide);
  for (let plane = 0; plane < n * c; plane++) {
    for (let y = my; y < h - my; y++) {
      const row = (plane * h + y) * w;
      for (let x = row + mx; x < row + w - mx; x++) visit(data[x]);
    }
  }
}

/** The uint8 range of each tensor over the patches. */
export async function calibrateRanges(
  model: Uint8Array,
  tensors: string[],
  patches: CalibrationPatches,
  method: RangeMethod,
): Promise<Map<string, [number, number]>> {
  const session = await ort.InferenceSession.create(observingModel(model, tensors), {
    executionProviders: ['cpu'],
    intraOpNumThreads: computeThreads(),
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4,
  });
  try {
    const histograms = new Map(tensors.map((t) => [t, new ActivationHistogram()]));
    const { side, margin } = patches;
    for (const pass of ['extremes', 'histogram'] as const) {
      for (const batch of patches.batches) {
        const input = new ort.Tensor('float32', batch, [batch.length / (side * side), 1, side, side]);
        const out = await session.run({ [session.inputNames[0]]: input }, tensors);
        for (const [name, histogram] of histograms) {
          forInterior(out[name] as ort.Tensor, side, margin, pass === 'extremes' ? (v) => histogram.widen(v) : (v) => histogram.add(v));
        }
      }
    }
    return new Map([...histograms].map(([name, h]) => [name, h.range(method)]));
  } finally {
    await session.release();
  }
}
