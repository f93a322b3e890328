import type { Primitives } from './primitives.ts';

export type LossKind = 'mse' | 'l1';

/**
 * Mean loss over every element, and its gradient at the output. N (the element count) is read from the tensor,
 * so the same graph serves any batch size.
 */
export function emitLoss(ops: Primitives, output: string, target: string, kind: LossKind): { loss: string; grad: string } {
  const { g } = ops;
  const diff = g.op('Sub', [output, target]);
  const count = g.op('Cast', [g.op('Size', [diff])], { to: ops.float64 ? 11 : 1 });
  if (kind === 'mse') {
    const loss = g.op('ReduceMean', [g.op('Mul', [diff, diff])], { keepdims: 0 });
    const grad = g.op('Mul', [diff, g.op('Div', [g.scalar(2), count])]);
    return { loss, grad };
  }
  const loss = g.op('ReduceMean', [g.op('Abs', [diff])], { keepdims: 0 });
  const grad = g.op('Div', [g.op('Sign', [diff]), count]);
  return { loss, grad };
}
