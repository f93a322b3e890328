import {
  DataType,
  decodeModelAsWritten,
  encodeModel,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.ts';
import { type TensorData, tensorProto } from './tensor-proto.ts';

/**
 * A decoded ONNX model that graph rewrites (the int8 quantiser, its phase convolutions) edit in place: look up
 * producers, consumers and constant weights, add nodes and initializers under fresh names, and encode it again.
 * Decoded "as written" (proto.ts), so only what our schema subset lists survives; callers check the model first.
 */
export class EditableGraph {
  private used: Set<string>;

  constructor(readonly model: ModelProto) {
    const g = model.graph;
    g.node ??= [];
    g.initializer ??= [];
    g.input ??= [];
    g.output ??= [];
    this.used = new Set([
      ...g.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? []), n.name ?? '']),
      ...g.initializer.map((t) => t.name ?? ''),
      ...g.input.map((v) => v.name),
      ...g.output.map((v) => v.name),
    ]);
  }

  static decode(bytes: Uint8Array): EditableGraph {
    return new EditableGraph(decodeModelAsWritten(bytes));
  }

  get nodes(): NodeProto[] {
    return this.model.graph.node;
  }

  /** The graph inputs that are not initializers (what a caller feeds). */
  get feeds(): ValueInfoProto[] {
    const constants = new Set(this.model.graph.initializer.map((t) => t.name));
    return this.model.graph.input.filter((i) => !constants.has(i.name));
  }

  get outputs(): ValueInfoProto[] {
    return this.model.graph.output;
  }

  /** A name no value, node or initializer of the graph uses yet, built from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  producer(tensor: string): NodeProto | undefined {
    return this.nodes.find((n) => n.output.includes(tensor));
  }

  consumers(tensor: string): NodeProto[] {
    return this.nodes.filter((n) => n.input.includes(tensor));
  }

  initializer(name: string): TensorProto | undefined {
    return this.model.graph.initializer.find((t) => t.name === name);
  }

  /** A float32 initializer's values, or undefined when `name` is not a float32 constant of the graph. */
  floats(name: string): Float32Array | undefined {
    const t = this.initializer(name);
    if (!t || t.dataType !== DataType.FLOAT) return undefined;
    if (t.rawData && t.rawData.length > 0) {
      // A copy into a fresh, aligned buffer: protobufjs hands out Buffer views at any offset, and Buffer.slice shares.
      const copy = new Uint8Array(t.rawData);
      return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    }
    return Float32Array.from(t.floatData ?? []);
  }

  /** Adds a constant under a fresh name built from `base` and returns that name. */
  addInitializer(base: string, dims: number[], data: TensorData): string {
    const name = this.fresh(base);
    this.model.graph.initializer.push(tensorProto(name, dims, data));
    return name;
  }

  /** Inserts nodes just before `anchor` (graph order stays topological when they only read what exists there). */
  insertBefore(anchor: NodeProto, nodes: NodeProto[]): void {
    this.nodes.splice(this.nodes.indexOf(anchor), 0, ...nodes);
  }

  insertAfter(anchor: NodeProto, nodes: NodeProto[]): void {
    this.nodes.splice(this.nodes.indexOf(anchor) + 1, 0, ...nodes);
  }

  /** Replaces `old` by `nodes`, in its place. */
  replace(old: NodeProto, nodes: NodeProto[]): void {
    this.nodes.splice(this.nodes.indexOf(old), 1, ...nodes);
  }

  /** Every reading of `from` (node inputs and graph outputs) now reads `to`, except by the nodes in `except`. */
  rewire(from: string, to: string, except: NodeProto[] = []): void {
    for (const n of this.nodes) {
      if (except.includes(n)) continue;
      n.input = n.input.map((i) => (i === from ? to : i));
    }
  }

  /** Drops initializers no node reads any more (weights replaced by their quantised form). */
  pruneInitializers(): void {
    const read = new Set(this.nodes.flatMap((n) => n.input));
    const feeds = new Set(this.feeds.map((f) => f.name));
    this.model.graph.initializer = this.model.graph.initializer.filter((t) => read.has(t.name ?? ''));
    this.model.graph.input = this.model.graph.input.filter((i) => feeds.has(i.name) || read.has(i.name));
  }

  encode(): Uint8Array {
    return encodeModel(this.model);
  }
}
