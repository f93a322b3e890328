import { BICUBIC_TAPS, bicubicPhaseWeights } from '../imaging/bicubic-phases.ts';
import { outlineOf, spliceGraph } from '../onnx/graph-splice.ts';
import { intAttr as int, intsAttr as ints, node, stringAttr } from '../onnx/node-proto.ts';
import type { NodeProto } from '../onnx/proto.ts';
import { DataType, tensorProto } from '../onnx/tensor-proto.ts';
import { YCBCR_GRAPH_CROP } from './photo-graph-spec.ts';
import type { ValueMap } from './tile-sources.ts';

/**
 * The photo graph of a Y model: one ONNX graph that takes the low-resolution photo as YCbCr and does the whole
 * per-pixel job in ONNX Runtime. For an 'upsampled' model (SRCNN):
 *
 *   LR Y, Cb, Cr (0–255, mirrored by 2 pixels) ─ bicubic ×s (phase Conv + DepthToSpace) ─┬─ Y: uint8 rounding,
 *   value range ─ the model ─┐                                                            └─ Cb, Cr ─────────────┴─ Concat → HR Y, Cb, Cr
 *
 * and for an 'lr' model (FSRCNN, ESPCN), whose Y arrives already in the model's range (replicated past the border,
 * as the plain LR path feeds it, so the model sees exactly the same values):
 *
 *   LR Y ─ crop 2 ─ the model ──────────────────────────┐
 *   LR Cb, Cr (0–255, mirrored by 2) ─ bicubic ×s ─────┴─ Concat → HR Y, Cb, Cr
 *
 * Without it the main thread computes the exact MATLAB bicubic of the planes over the whole output, which on a 2-core
 * CPU competes with ORT for the cores and caps how busy ORT can be kept (SRCNN 9-1-5 ×3 spent up to a quarter of its
 * time waiting on it; an int8 FSRCNN ×3, three times faster than its float32 model, up to 30 %). In the graph it is
 * about 0.2–1 % of the model's own work, runs on ORT's threads (or the GPU), and is still exactly MATLAB's imresize:
 * the source mirrors the border as imresize does, and the phase weights do not depend on the position
 * (imaging/bicubic-phases.ts).
 *
 * Only for models SR Studio exported or quantised (whose one Y input and one output it knows how to wrap), with an
 * opset that has the operators used here; others keep the
 * main-thread path.
 */

const PREFIX = 'srstudio_photo/';
const INPUT = `${PREFIX}lr_ycbcr`;
const OUTPUT = `${PREFIX}hr_ycbcr`;

/**
 * The photo graph of `modelBytes` (a ×scale Y model: 'upsampled', whose output has its input's size, or 'lr', whose
 * output is ×scale its input), or undefined when the model is not one SR Studio can safely rewrite. Input
 * [N, 3, h, w] (Y on the 0–255 scale, or for 'lr' already in the model's range; Cb, Cr 0–255), output
 * [N, 3, s·(h − 4), s·(w − 4)]: channel 0 is the model's output in its value range, channels 1 and 2 are Cb and Cr.
 */
export function ycbcrPhotoGraph(
  modelBytes: Uint8Array,
  scale: number,
  range: ValueMap,
  inputKind: 'upsampled' | 'lr' = 'upsampled',
): Uint8Array | undefined {
  const outline = outlineOf(modelBytes);
  if (outline?.producerName !== 'sr-studio' || outline.opset < 13 || outline.outputs.length !== 1) return undefined;
  const initializers = new Set(outline.initializers);
  const inputs = outline.inputs.filter((name) => !initializers.has(name));
  if (inputs.length !== 1) return undefined;
  const modelInput = inputs[0];
  const modelOutput = outline.outputs[0];

  const planes = inputKind === 'lr' ? 2 : 3;
  const constants = [
    // One 5×5 phase kernel set per plane: a grouped Conv upsamples Y, Cb and Cr (or Cb and Cr) at once.
    tensorProto(
      `${PREFIX}phases`,
      [planes * scale * scale, 1, BICUBIC_TAPS, BICUBIC_TAPS],
      Float32Array.from(Array.from({ length: planes }, () => [...bicubicPhaseWeights(scale)]).flat()),
    ),
    tensorProto(`${PREFIX}zero`, [], Float32Array.of(0)),
    tensorProto(`${PREFIX}max`, [], Float32Array.of(255)),
    tensorProto(`${PREFIX}half`, [], Float32Array.of(0.5)),
    tensorProto(`${PREFIX}gain`, [], Float32Array.of((range.hi - range.lo) / 255)),
    tensorProto(`${PREFIX}lo`, [], Float32Array.of(range.lo)),
    tensorProto(`${PREFIX}axis1`, [1], BigInt64Array.of(1n)),
    tensorProto(`${PREFIX}at0`, [1], BigInt64Array.of(0n)),
    tensorProto(`${PREFIX}at1`, [1], BigInt64Array.of(1n)),
    tensorProto(`${PREFIX}at3`, [1], BigInt64Array.of(3n)),
    tensorProto(`${PREFIX}crop_starts`, [2], BigInt64Array.of(BigInt(YCBCR_GRAPH_CROP), BigInt(YCBCR_GRAPH_CROP))),
    tensorProto(`${PREFIX}crop_ends`, [2], BigInt64Array.of(BigInt(-YCBCR_GRAPH_CROP), BigInt(-YCBCR_GRAPH_CROP))),
    tensorProto(`${PREFIX}axes23`, [2], BigInt64Array.of(2n, 3n)),
  ];
  const p = (name: string) => `${PREFIX}${name}`;
  const bicubic = (input: string, output: string): NodeProto[] => [
    node('Conv', [input, p('phases')], p(`${output}_phased`), [int('group', planes), ints('kernel_shape', [BICUBIC_TAPS, BICUBIC_TAPS])]),
    node('DepthToSpace', [p(`${output}_phased`)], p(output), [int('blocksize', scale), stringAttr('mode', 'CRD')]),
  ];
  const prologue: NodeProto[] =
    inputKind === 'lr'
      ? [
          node('Slice', [INPUT, p('at1'), p('at3'), p('axis1')], p('cbcr_lr')),
          ...bicubic(p('cbcr_lr'), 'cbcr'),
          node('Slice', [INPUT, p('at0'), p('at1'), p('axis1')], p('y_window')),
          node('Slice', [p('y_window'), p('crop_starts'), p('crop_ends'), p('axes23')], modelInput),
        ]
      : [
          ...bicubic(INPUT, 'hr'),
          node('Slice', [p('hr'), p('at0'), p('at1'), p('axis1')], p('y')),
          node('Slice', [p('hr'), p('at1'), p('at3'), p('axis1')], p('cbcr')),
          // MATLAB's uint8(): clip, then round half up (ONNX Round rounds half to even, so it is Floor(x + 0.5)).
          node('Clip', [p('y'), p('zero'), p('max')], p('y_clipped')),
          node('Add', [p('y_clipped'), p('half')], p('y_half')),
          node('Floor', [p('y_half')], p('y_uint8')),
          node('Mul', [p('y_uint8'), p('gain')], p('y_scaled')),
          node('Add', [p('y_scaled'), p('lo')], modelInput),
        ];
  const epilogue = [node('Concat', [modelOutput, p('cbcr')], OUTPUT, [int('axis', 1)])];
  const tensor = (dims: (number | string)[]) => ({
    tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
  });
  // The model's own bytes stay as they are; only these nodes, constants, the new input and the output are written.
  return spliceGraph(modelBytes, {
    before: prologue,
    after: epilogue,
    initializers: constants,
    dropInputs: [modelInput],
    addInputs: [{ name: INPUT, type: tensor(['N', 3, 'H', 'W']) }],
    outputs: [{ name: OUTPUT, type: tensor(['N', 3, 'OH', 'OW']) }],
  });
}
