import type { GraphBuilder } from '../../onnx/graph-builder.ts';

export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** The Adam state of one parameter as graph values: inputs w, m, v and its gradient. */
export interface AdamSlot {
  w: string;
  m: string;
  v: string;
  grad: string;
  /** Per-parameter learning-rate factor (SRCNN trains its last layer at 0.1×). */
  lrMultiplier: number;
}

/**
 * Adam (Kingma & Ba) with bias correction, inside the graph. `t` is the 1-based step count as a float scalar.
 * Returns the names of the new w, m, v for each slot, written to the given output names.
 */
export function emitAdam(
  g: GraphBuilder,
  lr: string,
  t: string,
  slots: AdamSlot[],
  outputNames: (index: number) => { w: string; m: string; v: string },
): void {
  const { beta1, beta2, epsilon } = ADAM;
  // Bias corrections are shared by every parameter: 1 − β^t.
  const correction1 = g.op('Sub', [g.scalar(1), g.op('Pow', [g.scalar(beta1), t])]);
  const correction2 = g.op('Sub', [g.scalar(1), g.op('Pow', [g.scalar(beta2), t])]);
  const b1 = g.scalar(beta1);
  const b2 = g.scalar(beta2);
  const oneMinusB1 = g.scalar(1 - beta1);
  const oneMinusB2 = g.scalar(1 - beta2);
  const eps = g.scalar(epsilon);
  slots.forEach((slot, index) => {
    const names = outputNames(index);
    const m = g.op('Add', [g.op('Mul', [b1, slot.m]), g.op('Mul', [oneMinusB1, slot.grad])], {}, names.m);
    const v = g.op('Add', [g.op('Mul', [b2, slot.v]), g.op('Mul', [oneMinusB2, g.op('Mul', [slot.grad, slot.grad])])], {}, names.v);
    const mHat = g.op('Div', [m, correction1]);
    const vHat = g.op('Div', [v, correction2]);
    const rate = slot.lrMultiplier === 1 ? lr : g.op('Mul', [lr, g.scalar(slot.lrMultiplier)]);
    const step = g.op('Div', [g.op('Mul', [rate, mHat]), g.op('Add', [g.op('Sqrt', [vHat]), eps])]);
    g.op('Sub', [slot.w, step], {}, names.w);
  });
}
