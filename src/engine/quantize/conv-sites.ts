import { SrError } from '../errors.ts';
import type { EditableGraph } from '../onnx/editable-graph.ts';
import { AttributeType, intOf, intsOf, stringOf } from '../onnx/node-proto.ts';
import { DataType, type NodeProto } from '../onnx/proto.ts';

/**
 * The convolutions of a float model, as the int8 quantiser sees them: their constant weights and geometry, and for
 * each one either nothing (it can run in int8) or why it stays in float32.
 *
 * Supported: Conv (any stride, group 1, dilation 1) and ConvTranspose (any stride, group 1, dilation 1, no
 * output_shape) with constant float32 weights and bias, on NCHW tensors, anywhere in a graph of standard ONNX
 * operators (opset 13 or newer). What sits between them (ReLU, PReLU, Add, DepthToSpace, a bicubic skip…) stays float.
 */
export interface ConvSite {
  node: NodeProto;
  /** ConvTranspose (weights [Cin, Cout, kh, kw]) rather than Conv (weights [Cout, Cin, kh, kw]). */
  transposed: boolean;
  weight: Float32Array;
  bias: Float32Array | undefined;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  /** [top, left, bottom, right], ONNX order. */
  pads: [number, number, number, number];
  outputPadding: [number, number];
  /** Why this layer stays float32; undefined when it can run in int8. */
  keepFloat?: string;
}

/** Operators that only move, pad or add values: a chain of them from the input to the output is a linear skip. */
const LINEAR_OPS = new Set(['Add', 'Sub', 'Identity', 'Reshape', 'Slice', 'Pad', 'Transpose', 'DepthToSpace', 'SpaceToDepth', 'Concat']);

/** Operators that mean the model is quantised already. */
const QUANTISED_OPS = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'QLinearConv',
  'QLinearMatMul',
  'ConvInteger',
  'MatMulInteger',
]);

const HINT = 'Quantise a float32 model made of standard ONNX operators (opset 13 or newer), such as one SR Studio trained or exported.';

/** Refuses models the rewrite cannot keep intact, saying what is in the way. */
export function checkQuantisable(graph: EditableGraph, source: string): void {
  const fail = (why: string, hint = HINT) => new SrError('BAD_MODEL', `${source} cannot be quantised: ${why}`, hint, source);
  const opset = graph.model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 13) throw fail(`it uses opset ${opset}; per-channel int8 weights need opset 13 or newer`, 'Re-export it with opset 13–21.');
  const foreign = [...new Set(graph.nodes.filter((n) => n.domain && n.domain !== 'ai.onnx').map((n) => `${n.domain}.${n.opType}`))];
  if (foreign.length > 0) throw fail(`it uses custom operators (${foreign.join(', ')})`);
  const quantised = [...new Set(graph.nodes.filter((n) => QUANTISED_OPS.has(n.opType)).map((n) => n.opType))];
  if (quantised.length > 0) throw fail(`it is quantised already (${quantised.join(', ')})`, 'Quantise its float32 parent instead.');
  const nested = graph.nodes.filter((n) => n.attribute?.some((a) => a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS));
  if (nested.length > 0) throw fail(`it has control flow with sub-graphs (${nested.map((n) => n.opType).join(', ')})`);
  const external = graph.model.graph.initializer.filter(
    (t) => !t.rawData?.length && !t.floatData?.length && !t.int64Data?.length && !t.doubleData?.length && t.dims.some((d) => d > 0),
  );
  if (external.length > 0) throw fail(`its weights are stored outside the file (${external[0].name} …)`, 'Save it as a single .onnx file.');
  const [feed] = graph.feeds;
  if (graph.feeds.length !== 1 || feed.type?.tensorType?.elemType !== DataType.FLOAT || graph.outputs.length !== 1) {
    throw fail('an SR model has one float32 input and one output');
  }
}

/** Every Conv and ConvTranspose of the graph, in graph order. */
export function convSites(graph: EditableGraph): ConvSite[] {
  return graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'ConvTranspose').map((n) => describe(graph, n));
}

function describe(graph: EditableGraph, n: NodeProto): ConvSite {
  const transposed = n.opType === 'ConvTranspose';
  const weightDims = graph.initializer(n.input[1])?.dims.map(Number) ?? [];
  const weight = graph.floats(n.input[1]) ?? new Float32Array();
  const bias = n.input[2] ? graph.floats(n.input[2]) : undefined;
  const [first = 0, second = 0, kh = 0, kw = 0] = weightDims;
  const site: ConvSite = {
    node: n,
    transposed,
    weight,
    bias,
    inChannels: transposed ? first : second,
    outChannels: transposed ? second : first,
    kernel: [kh, kw],
    strides: intsOf(n, 'strides', [1, 1]) as [number, number],
    pads: intsOf(n, 'pads', [0, 0, 0, 0]) as [number, number, number, number],
    outputPadding: intsOf(n, 'output_padding', [0, 0]) as [number, number],
  };
  site.keepFloat = whyFloat(graph, n, site, weightDims);
  return site;
}

function whyFloat(graph: EditableGraph, n: NodeProto, site: ConvSite, weightDims: number[]): string | undefined {
  if (weightDims.length !== 4 || site.weight.length === 0) return 'its weights are not a constant float32 4-D tensor';
  if (n.input[2] && !site.bias) return 'its bias is not a constant float32 tensor';
  if (intOf(n, 'group', 1) !== 1) return 'grouped convolutions are not supported';
  if (intsOf(n, 'dilations', [1, 1]).some((d) => d !== 1)) return 'dilated convolutions are not supported';
  if (stringOf(n, 'auto_pad', 'NOTSET') !== 'NOTSET') return 'auto_pad is not supported (explicit pads are)';
  if (n.attribute?.some((a) => a.name === 'output_shape')) return 'ConvTranspose with output_shape is not supported';
  // The first layer (one input channel) is quantised too: alone its int8 kernel is no faster than float32, but in
  // float32 its wide output goes through ORT's blocked layout and back (FSRCNN ×3: 37 of its int8 model's ~100 ms
  // per batch), and the rounding it adds is measured like any other layer's by the quality search.
  if (isLinearSkip(graph, n)) return 'a linear path from the input to the output (such as an in-graph bicubic skip): kept exact';
  return undefined;
}

/** Reached from the graph input, and reaching the output, through linear operators only. */
function isLinearSkip(graph: EditableGraph, conv: NodeProto): boolean {
  const feed = graph.feeds[0]?.name;
  let tensor = conv.input[0];
  for (;;) {
    if (tensor === feed) break;
    const producer = graph.producer(tensor);
    if (!producer || !LINEAR_OPS.has(producer.opType)) return false;
    tensor = producer.input[0];
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const reachesOutput = (t: string, depth: number): boolean => {
    if (outputs.has(t)) return true;
    const next = graph.consumers(t);
    return depth < 32 && next.length > 0 && next.every((c) => LINEAR_OPS.has(c.opType) && reachesOutput(c.output[0], depth + 1));
  };
  return reachesOutput(conv.output[0], 0);
}
