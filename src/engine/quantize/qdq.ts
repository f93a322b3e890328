import type { EditableGraph } from '../onnx/editable-graph.ts';
import { intAttr, node } from '../onnx/node-proto.ts';
import type { NodeProto } from '../onnx/proto.ts';
import { int8PerChannel, int32Bias, uint8Affine } from './quant-math.ts';

/**
 * Inserts QuantizeLinear/DequantizeLinear pairs (the QDQ format) around the convolutions chosen for int8, in the
 * exact pattern ONNX Runtime's CPU provider fuses into one int8 QLinearConv (checked in its optimised graph):
 *
 *   DQ(x uint8) ─┐
 *   DQ(w int8, per channel) ─ Conv ─ [Relu] ─ Q(uint8) ─ DQ ─ …
 *   DQ(b int32, scale x·w) ─┘
 *
 * A ReLU between the Conv and its Q folds away (uint8 with zero point 0 clips at zero by itself). Everything else
 * (PReLU, additions, the bicubic skip, DepthToSpace) keeps running in float32 on the dequantised values.
 */

export interface Int8Layer {
  conv: NodeProto;
  /** The activation the convolution reads. */
  input: string;
  /** The tensor quantised after it: the output of its ReLU when that is its only reader, else its own. */
  output: string;
}

export function int8Layer(graph: EditableGraph, conv: NodeProto): Int8Layer {
  const readers = graph.consumers(conv.output[0]);
  const relu = readers.length === 1 && readers[0].opType === 'Relu' ? readers[0] : undefined;
  return { conv, input: conv.input[0], output: relu ? relu.output[0] : conv.output[0] };
}

/** Rewrites `graph` in place; `ranges` holds the calibrated range of every layer's input and output. */
export function insertQdq(graph: EditableGraph, layers: Int8Layer[], ranges: Map<string, [number, number]>): void {
  const affineOf = (tensor: string) => {
    const range = ranges.get(tensor);
    if (!range) throw new Error(`no calibrated range for ${tensor}`);
    return uint8Affine(...range);
  };
  const scalar = (tensor: string, scale: number, zeroPoint: number) => ({
    scale: graph.addInitializer(`${tensor}/scale`, [], Float32Array.of(scale)),
    zeroPoint: graph.addInitializer(`${tensor}/zero_point`, [], Uint8Array.of(zeroPoint)),
  });
  const outputs = new Set(layers.map((l) => l.output));

  // Outputs: the producer now writes a float copy, and the Q/DQ pair restores the name for every reader.
  for (const tensor of outputs) {
    const producer = graph.producer(tensor);
    if (!producer) throw new Error(`${tensor} has no producer`);
    const float = graph.fresh(`${tensor}/float`);
    producer.output = producer.output.map((o) => (o === tensor ? float : o));
    const { scale, zeroPoint } = affineOf(tensor);
    const q = scalar(tensor, scale, zeroPoint);
    const codes = graph.fresh(`${tensor}/uint8`);
    // The node restoring the name gets a name of its own: exporters often name a node after its output.
    const restore = { ...node('DequantizeLinear', [codes, q.scale, q.zeroPoint], tensor), name: graph.fresh(`${tensor}/dequantise`) };
    graph.insertAfter(producer, [node('QuantizeLinear', [float, q.scale, q.zeroPoint], codes), restore]);
    // A Shape (the phase form's crop, phase-conv.ts) needs only the dimensions, which the codes have too. Reading the
    // float copy made ONNX Runtime give it a DequantizeLinear of its own over the whole activation: half of FSRCNN ×3's
    // int8 time. On the codes, its layout pass turns Shape into a Gather of the int8 output's shape, which costs nothing.
    for (const reader of graph.consumers(tensor)) if (reader.opType === 'Shape') reader.input = [codes];
  }

  // Inputs that are not some layer's quantised output: a Q/DQ pair seen by the int8 layers only.
  for (const tensor of new Set(layers.map((l) => l.input))) {
    if (outputs.has(tensor)) continue;
    const readers = layers.filter((l) => l.input === tensor).map((l) => l.conv);
    const first = graph.nodes.find((n) => readers.includes(n));
    if (!first) continue;
    const { scale, zeroPoint } = affineOf(tensor);
    const q = scalar(tensor, scale, zeroPoint);
    const codes = graph.fresh(`${tensor}/uint8`);
    const view = graph.fresh(`${tensor}/dequantised`);
    graph.insertBefore(first, [
      node('QuantizeLinear', [tensor, q.scale, q.zeroPoint], codes),
      node('DequantizeLinear', [codes, q.scale, q.zeroPoint], view),
    ]);
    for (const conv of readers) conv.input[0] = view;
  }

  for (const layer of layers) quantiseWeights(graph, layer.conv, affineOf(layer.input).scale);
  graph.pruneInitializers();
}

/** int8 weights per output channel and int32 bias, each behind its DequantizeLinear. */
function quantiseWeights(graph: EditableGraph, conv: NodeProto, inputScale: number): void {
  const [wName, bName] = [conv.input[1], conv.input[2]];
  const dims = graph.initializer(wName)?.dims.map(Number) ?? [];
  const floats = graph.floats(wName);
  if (!floats || dims.length !== 4) throw new Error(`${conv.name}: weights are not a constant float32 4-D tensor`);
  const channels = dims[0];
  const perChannel = floats.length / channels;
  const w = int8PerChannel(floats, channels, (i) => Math.floor(i / perChannel));
  const dequantised = (
    base: string,
    values: Int8Array | Int32Array,
    scales: Float32Array,
    zeros: Int8Array | Int32Array,
    shape: number[],
  ) => {
    const out = graph.fresh(`${base}/dequantised`);
    graph.insertBefore(conv, [
      node(
        'DequantizeLinear',
        [
          graph.addInitializer(`${base}/quantised`, shape, values),
          graph.addInitializer(`${base}/scale`, [channels], scales),
          graph.addInitializer(`${base}/zero_point`, [channels], zeros),
        ],
        out,
        [intAttr('axis', 0)],
      ),
    ]);
    return out;
  };
  conv.input[1] = dequantised(wName, w.values, w.scales, new Int8Array(channels), dims);
  const bias = bName ? graph.floats(bName) : undefined;
  if (bias && bName) {
    const b = int32Bias(bias, inputScale, w.scales);
    conv.input[2] = dequantised(bName, b.values, b.scales, new Int32Array(channels), [channels]);
  }
}
