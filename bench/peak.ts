/**
 * The machine's practical peak, measured with ONNX Runtime itself: a large float32 MatMul (the best-tuned kernel
 * ORT has, MLAS SGEMM) in a session opened exactly like the app's (openSession: same intra-op thread count, same
 * options). Benchmarks print their throughput as a percentage of it, so "40 GFLOP/s" reads as "how close to what
 * this CPU can do right now" (a shared, noisy machine included: measure it in the same run as the rows).
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { physicalCoreCount } from '../src/engine/models/cpu-cores.ts';
import { type ModelSession, openSession, releaseSessionsFor } from '../src/engine/models/session.ts';
import { GraphBuilder } from '../src/engine/onnx/graph-builder.ts';
import { DataType } from '../src/engine/onnx/proto.ts';
import type { Layer } from '../src/engine/training/graph/layers.ts';

export interface Peak {
  /** Billions of operations per second: float32 FLOPs, or int8 multiply-adds ×2 for the int8 peak. */
  gflops: number;
  threads: number;
  /** The product timed, e.g. "1024×1024 · 1024×1024". */
  shape: string;
  precision: 'fp32' | 'int8';
}

/** Best-of-`runs` GFLOP/s of an n×n by n×n float32 MatMul (2n³ FLOPs per run). */
export async function measurePeak(n = 1024, runs = 8, threads = physicalCoreCount()): Promise<Peak> {
  const g = new GraphBuilder();
  const a = g.input('input', [n, n]);
  const weights = Float32Array.from({ length: n * n }, (_, i) => ((i * 2654435761) >>> 24) / 256 - 0.5);
  g.op('MatMul', [a, g.initializer('b', [n, n], weights)], {}, 'output');
  g.output('output', [n, n]);
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: n * n }, (_, i) => ((i * 40503) & 255) / 256),
    [n, n],
  );
  return timePeak(g.toModel(), input, `bench-peak-matmul-${n}`, { n, runs, threads, precision: 'fp32' });
}

/**
 * The int8 counterpart: ORT's QLinearMatMul (uint8 activations × int8 weights → uint8, the arithmetic of the int8
 * models' QLinearConv: MLAS's int8 GEMM, VNNI where the CPU has it), n³, same threads; GOP/s counts 2 per multiply-add.
 */
export async function measureInt8Peak(n = 1024, runs = 8, threads = physicalCoreCount()): Promise<Peak> {
  const g = new GraphBuilder();
  const a = g.input('input', [n, n], DataType.UINT8);
  const weights = Int8Array.from({ length: n * n }, (_, i) => ((i * 2654435761) >>> 24) - 128);
  const zero = (name: string, data: Uint8Array | Int8Array) => g.initializer(name, [], data);
  // Inputs in QLinearMatMul's order: a, its scale and zero point; b, its scale and zero point; the output's.
  const inputs = [a, g.scalar(1 / 255), zero('a_zero', Uint8Array.of(0))];
  inputs.push(g.initializer('b', [n, n], weights), g.scalar(1 / 127), zero('b_zero', Int8Array.of(0)));
  inputs.push(g.scalar(4), zero('y_zero', Uint8Array.of(128)));
  g.op('QLinearMatMul', inputs, {}, 'output');
  g.output('output', [n, n], DataType.UINT8);
  const input = new ort.Tensor(
    'uint8',
    Uint8Array.from({ length: n * n }, (_, i) => (i * 40503) & 255),
    [n, n],
  );
  return timePeak(g.toModel(), input, `bench-peak-int8-matmul-${n}`, { n, runs, threads, precision: 'int8' });
}

async function timePeak(
  model: Uint8Array,
  input: ort.Tensor,
  source: string,
  { n, runs, threads, precision }: { n: number; runs: number; threads: number; precision: Peak['precision'] },
): Promise<Peak> {
  const s = await openSession(model, { device: 'cpu', threads }, source);
  try {
    const best = await bestRunSeconds(s, input, runs);
    return { gflops: (2 * n ** 3) / best / 1e9, threads, shape: `${n}×${n} · ${n}×${n}`, precision };
  } finally {
    await releaseSessionsFor(source);
  }
}

export function describePeak(peak: Peak): string {
  return peak.precision === 'int8'
    ? `Measured int8 peak: ${peak.gflops.toFixed(1)} GOP/s (ORT QLinearMatMul uint8 × int8 ${peak.shape}, ${peak.threads} threads, best of 8)`
    : `Measured peak: ${peak.gflops.toFixed(1)} GFLOP/s (ORT float32 MatMul ${peak.shape}, ${peak.threads} threads, best of 8)`;
}

/** `gflops` as a percentage of the peak, for a table cell. */
export function percentOfPeak(gflops: number, peak: Peak): string {
  const percent = (100 * gflops) / peak.gflops;
  return `${percent.toFixed(percent < 10 ? 1 : 0)}%`;
}

/**
 * Multiply-add FLOPs (2 per MAC) of one forward pass over a square input of side `size`, layer by layer (the
 * useful work: activations and pixel shuffles are not counted). A transposed convolution does cin·cout·k² MACs
 * per input pixel.
 */
export function forwardFlops(layers: Layer[], size: number): number {
  let side = size;
  let flops = 0;
  for (const layer of layers) {
    if (layer.type === 'conv') {
      side = side + 2 * layer.pad - layer.k + 1;
      flops += 2 * layer.cin * layer.cout * layer.k * layer.k * side * side;
    } else if (layer.type === 'deconv') {
      flops += 2 * layer.cin * layer.cout * layer.k * layer.k * side * side;
      side = (side - 1) * layer.stride - 2 * layer.pad + layer.k + layer.outputPadding;
    } else if (layer.type === 'depthToSpace') {
      side *= layer.blocksize;
    }
  }
  return flops;
}

/** Best-of-`runs` seconds of one `session.run` on a ready input, after one warm-up run. */
export async function bestRunSeconds(s: ModelSession, input: ort.Tensor, runs: number): Promise<number> {
  const session = await s.onThread();
  await session.run({ [s.inputName]: input });
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run({ [s.inputName]: input });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}
