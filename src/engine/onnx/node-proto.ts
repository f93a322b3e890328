import type { AttributeProto, NodeProto } from './proto.ts';

/** AttributeProto.AttributeType values (official onnx.proto). */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, GRAPHS: 10 } as const;

/** A node with one output, named after that output (names of rewritten graphs stay unique that way). */
export function node(opType: string, input: string[], output: string, attribute: AttributeProto[] = []): NodeProto {
  return { name: output, opType, input, output: [output], attribute };
}

export const intAttr = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
export const intsAttr = (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints });
export const stringAttr = (name: string, s: string): AttributeProto => ({
  name,
  type: AttributeType.STRING,
  s: new TextEncoder().encode(s),
});

/** An INTS attribute of a decoded node, or `fallback` when absent. */
export function intsOf(n: NodeProto, name: string, fallback: number[]): number[] {
  const found = n.attribute?.find((a) => a.name === name);
  return found?.ints && found.ints.length > 0 ? found.ints.map(Number) : fallback;
}

/** An INT attribute of a decoded node, or `fallback` when absent. */
export function intOf(n: NodeProto, name: string, fallback: number): number {
  const found = n.attribute?.find((a) => a.name === name);
  return found?.i === undefined ? fallback : Number(found.i);
}

/** A STRING attribute of a decoded node, or `fallback` when absent. */
export function stringOf(n: NodeProto, name: string, fallback: string): string {
  const found = n.attribute?.find((a) => a.name === name);
  return found?.s === undefined ? fallback : new TextDecoder().decode(found.s);
}
