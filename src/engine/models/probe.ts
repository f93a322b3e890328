import type * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import { ortRuntime } from './ort-runtime.ts';
import type { ModelSession } from './session.ts';

/**
 * How a model maps input pixels to output pixels, measured by running it (never trusted from metadata):
 * an input of n pixels gives `ratio·(n − 2·crop)` output pixels. SRCNN with same padding: ratio 1, crop 0;
 * with valid convolutions: ratio 1, crop 8 (9-5-5); ESPCN/FSRCNN: ratio = scale, crop 0. (The upscaler's photo
 * graph, ycbcr-graph.ts, has ratio = scale and crop 2; it is built, not probed.)
 */
export interface ModelGeometry {
  channels: 1 | 3;
  ratio: number;
  /** Input pixels on each side that give no output (valid convolutions). Probed models have it only with ratio 1. */
  crop: number;
  /** Largest batch the model accepts (1 when its batch dimension is fixed to 1). */
  maxBatch: number;
}

export interface ProbedModel extends ModelGeometry {
  /** Receptive-field radius in input pixels, measured by perturbing one pixel. */
  halo: number;
}

/** The batch limit of a model whose batch axis is free: more windows per run than any tiler asks for. */
export const FREE_BATCH_LIMIT = 64;

const geometryCache = new WeakMap<ModelSession, Promise<ModelGeometry>>();

function bad(
  source: string,
  reason: string,
  hint = 'SR Studio runs single-input single-output float32 NCHW models whose height and width are free.',
): SrError {
  return new SrError('BAD_MODEL', `${source} cannot be used: ${reason}`, hint, source);
}

async function runOnce(
  s: ModelSession,
  source: string,
  channels: number,
  height: number,
  width: number,
  data?: Float32Array,
): Promise<ort.Tensor> {
  const input = new (ortRuntime().Tensor)('float32', data ?? new Float32Array(channels * height * width).fill(0.5), [
    1,
    channels,
    height,
    width,
  ]);
  let result: ort.InferenceSession.ReturnType;
  try {
    result = await (await s.onThread()).run({ [s.inputName]: input });
  } catch (error) {
    throw bad(source, `it failed on a 1×${channels}×${height}×${width} test input (${(error as Error).message.split('\n')[0]})`);
  }
  const out = result[s.outputName] as ort.Tensor;
  if (out.type !== 'float32') throw bad(source, `its output is ${out.type}, not float32`);
  if (out.dims.length !== 4) throw bad(source, `its output has ${out.dims.length} dimensions, not 4 (NCHW)`);
  return out;
}

function checkMetadata(s: ModelSession, source: string): { channels?: 1 | 3; maxBatch: number } {
  const meta = s.inputMetadata[0];
  if (!meta?.isTensor) throw bad(source, 'its input is not a tensor');
  if (meta.type !== 'float32')
    throw bad(
      source,
      `its input is ${meta.type}, not float32`,
      'Export the model with a float32 input (convert float16 models with onnxconverter-common).',
    );
  const outMeta = s.outputMetadata[0];
  if (outMeta?.isTensor && outMeta.type !== 'float32') throw bad(source, `its output is ${outMeta.type}, not float32`);
  const shape = meta.shape;
  if (shape.length !== 4) throw bad(source, `its input has ${shape.length} dimensions, not 4 (N, C, H, W)`);
  const [n, c, h, w] = shape;
  if (typeof h === 'number' || typeof w === 'number') {
    throw bad(
      source,
      `its input size is fixed (${String(h)}×${String(w)}), so it cannot be tiled`,
      'Export the model with dynamic height and width axes.',
    );
  }
  if (typeof c === 'number' && c !== 1 && c !== 3) throw bad(source, `it takes ${c} channels; only 1 (Y) or 3 (RGB) are supported`);
  return { channels: typeof c === 'number' ? (c as 1 | 3) : undefined, maxBatch: typeof n === 'number' ? n : FREE_BATCH_LIMIT };
}

async function measureGeometry(s: ModelSession, source: string): Promise<ModelGeometry> {
  const declared = checkMetadata(s, source);
  let channels = declared.channels;
  let small: ort.Tensor | undefined;
  if (!channels) {
    // A symbolic channel axis: the weights decide. Try Y first, then RGB.
    for (const c of [1, 3] as const) {
      try {
        small = await runOnce(s, source, c, 24, 24);
        channels = c;
        break;
      } catch {}
    }
    if (!channels || !small) throw bad(source, 'it failed on both 1-channel and 3-channel test inputs');
  } else {
    small = await runOnce(s, source, channels, 24, 24);
  }
  const large = await runOnce(s, source, channels, 32, 32);
  if (small.dims[1] !== channels || large.dims[1] !== channels) {
    throw bad(source, `it returns ${small.dims[1]} channels for a ${channels}-channel input`);
  }
  const grow = large.dims[2] - small.dims[2];
  const ratio = grow / 8;
  if (grow !== large.dims[3] - small.dims[3]) throw bad(source, 'it scales width and height differently');
  if (!Number.isInteger(ratio) || ratio < 1) throw bad(source, `its output grows ${ratio}× its input, not an integer scale ≥ 1`);
  const lost = ratio * 24 - small.dims[2];
  if (lost < 0 || lost % 2 !== 0)
    throw bad(source, `its output (${small.dims[2]} for 24 input pixels) is not ${ratio}× its input minus an even border`);
  if (lost > 0 && ratio > 1)
    throw bad(source, `it both upscales (×${ratio}) and crops its border; pad its convolutions ("same") and re-export`);
  return { channels, ratio, crop: lost / 2, maxBatch: declared.maxBatch };
}

/** The geometry of the model behind a session, measured once per session. */
export function modelGeometry(s: ModelSession, source: string): Promise<ModelGeometry> {
  let entry = geometryCache.get(s);
  if (!entry) {
    entry = measureGeometry(s, source);
    geometryCache.set(s, entry);
  }
  return entry;
}

/**
 * Geometry plus the receptive-field radius: perturb the centre pixel of a random input and see how far the
 * output changes. Used once at import, where no metadata says it.
 */
export async function probeModel(s: ModelSession, source: string): Promise<ProbedModel> {
  const geometry = await modelGeometry(s, source);
  const { channels, ratio, crop } = geometry;
  for (const n of ratio === 1 ? [96, 192] : [48, 96]) {
    const base = new Float32Array(channels * n * n);
    let seed = 12345;
    for (let i = 0; i < base.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      base[i] = 0.2 + 0.5 * (seed / 4294967296);
    }
    const bumped = base.slice();
    const centre = n >> 1;
    for (let c = 0; c < channels; c++) bumped[(c * n + centre) * n + centre] += 0.25;
    const a = (await runOnce(s, source, channels, n, n, base)).data as Float32Array;
    const b = (await runOnce(s, source, channels, n, n, bumped)).data as Float32Array;
    const outN = ratio * n - 2 * crop;
    let reach = 0;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < outN; y++) {
        for (let x = 0; x < outN; x++) {
          const i = (c * outN + y) * outN + x;
          if (Math.abs(a[i] - b[i]) <= 1e-6 * (1 + Math.abs(a[i]))) continue;
          // The output pixel's footprint in input pixels, relative to the bumped pixel.
          const iy = Math.floor((y + crop) / ratio) - centre;
          const ix = Math.floor((x + crop) / ratio) - centre;
          reach = Math.max(reach, Math.abs(iy), Math.abs(ix));
        }
      }
    }
    if (reach < centre - crop - 1) return { ...geometry, halo: reach };
  }
  throw bad(source, 'its receptive field is wider than 96 pixels, too wide to tile');
}
