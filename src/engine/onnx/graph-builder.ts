import {
  type AttributeProto,
  type AttributeValue,
  type Dim,
  encodeModel,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.ts';
import { DataType, type DataTypeCode, type TensorData, tensorProto } from './tensor-proto.ts';

/** A dimension: a fixed size, or a symbolic name for a size chosen at run time. */
export type DimSpec = number | string;

/** The opset every SR Studio graph targets: supported by onnxruntime-node 1.2x+ on every provider. */
export const OPSET = 17;

const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

function toAttribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Object.is(value, -0) ? { name, type: ATTR.INT, i: value } : { name, type: ATTR.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: value };
  return { name, type: ATTR.TENSOR, t: value };
}

/** Float attributes that happen to be integral (alpha=1) must still be typed FLOAT. */
export function floatAttr(value: number): { __float: number } {
  return { __float: value };
}

function dimsOf(shape: DimSpec[]): Dim[] {
  return shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
}

/**
 * Builds an ONNX graph node by node. Each call returns the name of the value it produced, so graphs read
 * like the maths they compute: `const y = g.op('Relu', [g.op('Conv', [x, w, b], { pads })])`.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  /** Element type of graph inputs/outputs and of constants made by `scalar`/`constant`. */
  constructor(readonly floatType: 'float32' | 'float64' = 'float32') {}

  private get elemType(): DataTypeCode {
    return this.floatType === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  input(name: string, shape: DimSpec[], elemType: DataTypeCode = this.elemType): string {
    this.inputs.push(valueInfo(name, shape, elemType));
    return name;
  }

  output(name: string, shape: DimSpec[], elemType: DataTypeCode = this.elemType): string {
    this.outputs.push(valueInfo(name, shape, elemType));
    return name;
  }

  /** A constant tensor baked into the model (weights of an exported model, kernels, shapes). */
  initializer(name: string, dims: number[], data: TensorData): string {
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  /** A float constant of the graph's float type. */
  constant(dims: number[], values: ArrayLike<number>, prefix = 'const'): string {
    const data = this.floatType === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    return this.initializer(this.fresh(prefix), dims, data);
  }

  scalar(value: number): string {
    return this.constant([], [value], 'scalar');
  }

  /** An int64 constant, as Reshape shapes, Slice starts and axes need. */
  ints(values: number[]): string {
    return this.initializer(this.fresh('ints'), [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttributeValue | { __float: number }> = {}, output?: string): string {
    const [out] = this.opMulti(opType, inputs, 1, attrs, output ? [output] : undefined);
    return out;
  }

  opMulti(
    opType: string,
    inputs: string[],
    outputCount: number,
    attrs: Record<string, AttributeValue | { __float: number }> = {},
    outputs?: string[],
  ): string[] {
    const names = outputs ?? Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase()));
    const attribute = Object.entries(attrs).map(([key, value]) =>
      typeof value === 'object' && value !== null && '__float' in value
        ? { name: key, type: ATTR.FLOAT, f: value.__float }
        : toAttribute(key, value as AttributeValue),
    );
    this.nodes.push({ opType, input: inputs, output: names, attribute, name: names[0] });
    return names;
  }

  /** Serialises the graph as an ONNX model, with `metadata` as its metadata_props. */
  toModel(metadata: Record<string, string> = {}, graphName = 'srstudio'): Uint8Array {
    return encodeModel({
      irVersion: 8,
      producerName: 'sr-studio',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
  }
}

function valueInfo(name: string, shape: DimSpec[], elemType: number): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dimsOf(shape) } } } };
}
