/**
 * Making an FSRCNN with ReLU deeper than a trained one without changing what it computes: a mapping layer the trained
 * model lacks (`map5` of an m = 8 network grown from m = 4) starts as the identity, a 3×3 kernel with 1 at the centre
 * of its own channel and a zero bias. Its input is the previous ReLU's output (≥ 0), so the ReLU after it passes it
 * through unchanged, and the deeper network starts as exactly the trained one. Warm starts use it (a photo model gets
 * depth from the clean model it starts from), and so does the strength blend (the clean end of the blend is the same
 * function in the deeper shape).
 */
const MAPPING = /^map\d+\.(w|b)$/;

/** The identity value of a mapping layer's parameter ([s, s, 3, 3] weights or [s] bias), else undefined. */
export function identityMappingParam(name: string, shape: readonly number[]): Float32Array | undefined {
  const match = MAPPING.exec(name);
  if (!match) return undefined;
  if (match[1] === 'b') return shape.length === 1 ? new Float32Array(shape[0]) : undefined;
  const [out, inp, kh, kw] = shape;
  if (shape.length !== 4 || out !== inp || kh !== kw || kh % 2 !== 1) return undefined;
  const values = new Float32Array(out * inp * kh * kw);
  const centre = ((kh - 1) / 2) * kw + (kw - 1) / 2;
  for (let c = 0; c < out; c++) values[(c * inp + c) * kh * kw + centre] = 1;
  return values;
}
