import { z } from 'zod';
import { SrError } from '../errors.ts';
import type { ArchSpec, ParamSpec } from './arch-spec.ts';
import { layersOf, paramSpecsOf } from './graph/layers.ts';

// The types live in arch-spec.ts, so that graph/layers.ts can use them without importing this file (which imports it).
export type { ArchSpec, ParamSpec } from './arch-spec.ts';

const oddKernel = z
  .number()
  .int()
  .min(1)
  .max(15)
  .refine((k) => k % 2 === 1, 'kernel sizes must be odd');
const width = z.number().int().min(1).max(512);
const scaleSchema = z.number().int().min(1).max(8);

const ArchJson = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('srcnn'),
    f1: oddKernel.default(9),
    f2: oddKernel.default(5),
    f3: oddKernel.default(5),
    n1: width.default(64),
    n2: width.default(32),
    padding: z.enum(['valid', 'same']).default('valid'),
    residual: z.boolean().default(false),
    scale: scaleSchema.optional(),
  }),
  z.object({
    kind: z.literal('fsrcnn'),
    d: width.default(56),
    s: width.default(12),
    m: z.number().int().min(0).max(16).default(4),
    residual: z.boolean().optional(),
    activation: z.enum(['prelu', 'relu']).optional(),
    scale: scaleSchema.optional(),
  }),
  z.object({
    kind: z.literal('espcn'),
    n1: width.optional(),
    n2: width.optional(),
    residual: z.boolean().optional(),
    scale: scaleSchema.optional(),
  }),
]);

const NAME_HINT =
  "Use 'srcnn-9-1-5', 'srcnn-9-5-5' (optionally '-same' and/or '-res'), 'fsrcnn', 'fsrcnn-56-12-4' (optionally '-res' and/or '-relu'), 'espcn' (optionally '-res'), or a JSON object such as {\"kind\":\"fsrcnn\",\"d\":32,\"s\":5,\"m\":1}.";

function badArch(message: string): SrError {
  return new SrError('BAD_ARGUMENT', message, NAME_HINT);
}

/** Scale written in a name (`-x3`) must agree with the scale asked for. */
function checkedScale(named: number | undefined, scale: number, source: string): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > 8) throw badArch(`Scale ${scale} is not supported (use an integer from 1 to 8)`);
  if (named !== undefined && named !== scale) throw badArch(`Architecture '${source}' is for ×${named}, but ×${scale} was asked for`);
  return scale;
}

export function parseArch(nameOrJson: string, scale: number): ArchSpec {
  const text = nameOrJson.trim();
  if (text.startsWith('{')) return parseArchJson(text, scale);
  const lower = text.toLowerCase();
  const srcnn = /^srcnn-(\d+)-(\d+)-(\d+)((?:-same|-res|-n\d+-\d+)*)(?:-x(\d+))?$/.exec(lower);
  if (srcnn) {
    const flags = srcnn[4];
    const widths = /-n(\d+)-(\d+)/.exec(flags);
    return validated(
      {
        kind: 'srcnn',
        f1: Number(srcnn[1]),
        f2: Number(srcnn[2]),
        f3: Number(srcnn[3]),
        n1: widths ? Number(widths[1]) : 64,
        n2: widths ? Number(widths[2]) : 32,
        padding: flags.includes('-same') ? 'same' : 'valid',
        residual: flags.includes('-res'),
        scale: checkedScale(srcnn[5] ? Number(srcnn[5]) : undefined, scale, text),
      },
      text,
    );
  }
  const fsrcnn = /^fsrcnn(?:-(\d+)-(\d+)-(\d+))?(-res)?(-relu)?(?:-x(\d+))?$/.exec(lower);
  if (fsrcnn) {
    const [d, s, m] = fsrcnn[1] ? [Number(fsrcnn[1]), Number(fsrcnn[2]), Number(fsrcnn[3])] : [56, 12, 4];
    const arch: ArchSpec = { kind: 'fsrcnn', d, s, m, scale: checkedScale(fsrcnn[6] ? Number(fsrcnn[6]) : undefined, scale, text) };
    if (fsrcnn[4]) arch.residual = true;
    if (fsrcnn[5]) arch.activation = 'relu';
    return validated(arch, text);
  }
  const espcn = /^espcn(?:-(\d+)-(\d+))?(-res)?(?:-x(\d+))?$/.exec(lower);
  if (espcn) {
    const arch: ArchSpec = { kind: 'espcn', scale: checkedScale(espcn[4] ? Number(espcn[4]) : undefined, scale, text) };
    if (espcn[1]) Object.assign(arch, { n1: Number(espcn[1]), n2: Number(espcn[2]) });
    if (espcn[3]) arch.residual = true;
    return validated(arch, text);
  }
  throw badArch(`Unknown architecture '${text}'`);
}

function parseArchJson(text: string, scale: number): ArchSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw badArch(`Architecture JSON is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ArchJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badArch(`Architecture JSON is invalid at '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  const value = parsed.data;
  const finalScale = checkedScale(value.scale, scale, text);
  if (value.kind === 'espcn') {
    const arch: ArchSpec = { kind: 'espcn', scale: finalScale };
    if (value.n1 !== undefined) arch.n1 = value.n1;
    if (value.n2 !== undefined) arch.n2 = value.n2;
    if (value.residual) arch.residual = true;
    return arch;
  }
  if (value.kind === 'fsrcnn') {
    // Optional flags appear only when set, so a JSON spec equals the same architecture by name.
    const { residual, activation, ...rest } = value;
    const arch: ArchSpec = { ...rest, scale: finalScale };
    if (residual) arch.residual = true;
    if (activation === 'relu') arch.activation = 'relu';
    return arch;
  }
  return { ...value, scale: finalScale };
}

/** Reuses the JSON rules (odd kernels, sane widths) for names, so both ways in accept the same architectures. */
function validated(arch: ArchSpec, source: string): ArchSpec {
  const parsed = ArchJson.safeParse(arch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badArch(`Architecture '${source}' is invalid (${issue.path.join('.')}: ${issue.message})`);
  }
  return arch;
}

/** A short name that `parseArch` reads back to the same spec: 'srcnn-9-5-5', 'fsrcnn-56-12-4-x3', 'espcn-x3'. */
export function archName(arch: ArchSpec): string {
  switch (arch.kind) {
    case 'srcnn': {
      const widths = arch.n1 !== 64 || arch.n2 !== 32 ? `-n${arch.n1}-${arch.n2}` : '';
      return `srcnn-${arch.f1}-${arch.f2}-${arch.f3}${widths}${arch.padding === 'same' ? '-same' : ''}${arch.residual ? '-res' : ''}`;
    }
    case 'fsrcnn':
      return `fsrcnn-${arch.d}-${arch.s}-${arch.m}${arch.residual ? '-res' : ''}${arch.activation === 'relu' ? '-relu' : ''}-x${arch.scale}`;
    case 'espcn': {
      const widths = arch.n1 !== undefined || arch.n2 !== undefined ? `-${espcnWidths(arch).n1}-${espcnWidths(arch).n2}` : '';
      return `espcn${widths}${arch.residual ? '-res' : ''}-x${arch.scale}`;
    }
  }
}

export function espcnWidths(arch: Extract<ArchSpec, { kind: 'espcn' }>): { n1: number; n2: number } {
  return { n1: arch.n1 ?? 64, n2: arch.n2 ?? 32 };
}

/** SRCNN sees the bicubic-upsampled image; FSRCNN and ESPCN see the low-resolution one. */
export function inputKindOf(arch: ArchSpec): 'upsampled' | 'lr' {
  return arch.kind === 'srcnn' ? 'upsampled' : 'lr';
}

/** How far, in input pixels, an output pixel can see: tiles need at least this much halo. */
export function receptiveRadius(arch: ArchSpec): number {
  switch (arch.kind) {
    case 'srcnn':
      return (arch.f1 - 1) / 2 + (arch.f2 - 1) / 2 + (arch.f3 - 1) / 2;
    case 'fsrcnn':
      // conv5 (2) + m conv3 (1 each) + the 9×9 deconv, whose reach is 4 output pixels = ceil(4/scale) input pixels.
      return 2 + arch.m + Math.ceil(4 / arch.scale);
    case 'espcn':
      return 2 + 1 + 1;
  }
}

/**
 * Side of the output for a square input of side `inputSize` (input pixels). Valid SRCNN loses the receptive
 * radius on each side (33 → 21 for 9-1-5); every other case is the input size times the upscaling the network does.
 */
export function outputSizeFor(arch: ArchSpec, inputSize: number): number {
  if (arch.kind === 'srcnn') return arch.padding === 'valid' ? inputSize - 2 * receptiveRadius(arch) : inputSize;
  return inputSize * arch.scale;
}

/**
 * What the sampler must feed for an HR patch of side `hrPatch`: x is `inputSize`² (the upsampled patch for
 * SRCNN, the LR patch for FSRCNN/ESPCN, so `hrPatch` must be a multiple of the scale there), the target is the
 * centre `outputSize`² of the HR patch, starting `labelOffset` pixels in.
 */
export function trainingPatch(arch: ArchSpec, hrPatch: number): { inputSize: number; outputSize: number; labelOffset: number } {
  const factor = inputKindOf(arch) === 'lr' ? arch.scale : 1;
  if (!Number.isInteger(hrPatch) || hrPatch % factor !== 0) {
    throw new SrError('BAD_ARGUMENT', `Patch size ${hrPatch} is not a multiple of the scale ×${factor}`, `Use a multiple of ${factor}.`);
  }
  const inputSize = hrPatch / factor;
  const outputSize = outputSizeFor(arch, inputSize);
  if (outputSize < 1) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Patch size ${hrPatch} is too small for ${archName(arch)}`,
      `Use at least ${2 * receptiveRadius(arch) + 1}.`,
    );
  }
  return { inputSize, outputSize, labelOffset: (hrPatch - outputSize) / 2 };
}

export function paramSpecs(arch: ArchSpec): ParamSpec[] {
  return paramSpecsOf(layersOf(arch));
}

/** Standard normal deviates from a uniform source (Box-Muller), so initialisation is reproducible from a seed. */
function gaussian(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u1 = 1 - random(); // (0, 1]: log is finite
    const u2 = random();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * Initial weights as the papers give them. SRCNN: Gaussian σ = 0.001 for every filter. FSRCNN: He (MSRA,
 * σ = √(2/fanIn)) for the convolutions and σ = 0.001 for the deconvolution. ESPCN: He, except that with the bicubic
 * skip ('-res') its last conv starts at σ = 0.001 too, so the model starts at bicubic. Biases start at 0 and
 * PReLU slopes at 0.25.
 */
export function initParams(arch: ArchSpec, random: () => number): Map<string, Float32Array> {
  const normal = gaussian(random);
  const params = new Map<string, Float32Array>();
  for (const spec of paramSpecs(arch)) {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.kind === 'prelu') values.fill(0.25);
    if (spec.kind === 'weight') {
      const nearZero =
        arch.kind === 'srcnn' || spec.name.startsWith('deconv') || (arch.kind === 'espcn' && arch.residual && spec.name === 'conv3.w');
      const sigma = nearZero ? 0.001 : Math.sqrt(2 / spec.fanIn);
      for (let i = 0; i < values.length; i += 1) values[i] = sigma * normal();
    }
    params.set(spec.name, values);
  }
  return params;
}
