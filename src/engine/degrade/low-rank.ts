import type { SeparablePrefilter } from '../imaging/resize-plan.ts';

/**
 * A 2-D blur kernel as a short sum of separable ones (its singular value decomposition, cut where the rest no longer
 * matters): K ≈ Σₖ uₖ vₖᵀ, uₖ the vertical and vₖ the horizontal 1-D kernel. Each term is a blur a resize can fold into
 * its tables (resize-plan.ts), so a generalized, plateau or sinc kernel costs a few folded resizes of the output's
 * pixels instead of k² multiplies at every pixel of the high-resolution crop. These kernels are smooth and nearly
 * radial, so a few terms carry almost all of them.
 */

/**
 * How much of the kernel the dropped terms may hold, as the sum of their absolute weights: it bounds the change of any
 * output pixel to this fraction of the value range (2.5·10⁻³ of a level on 0–255), far below the 8-bit rounding.
 */
export const LOW_RANK_TOLERANCE = 1e-5;

/**
 * Eigen-decomposition of a symmetric n×n matrix (row-major, float64) by cyclic Jacobi rotations: n is at most 21 here,
 * where this converges in a few sweeps to full float64 precision. Returns the eigenvalues and the eigenvectors as
 * the columns of `vectors`.
 */
function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = matrix.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/**
 * The fewest separable terms whose sum differs from the size×size kernel `weights` (row-major, y then x) by at most
 * `tolerance` in summed absolute weight. From the eigenvectors of KᵀK (the right singular vectors v, largest first),
 * each term is (K·v) vᵀ.
 */
export function separableTerms(weights: ArrayLike<number>, size: number, tolerance = LOW_RANK_TOLERANCE): SeparablePrefilter[] {
  const n = size;
  const ktk = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += weights[r * n + i] * weights[r * n + j];
      ktk[i * n + j] = sum;
      ktk[j * n + i] = sum;
    }
  }
  const { values, vectors } = symmetricEigen(ktk, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[y] - values[x]);
  const residual = Float64Array.from(weights);
  const terms: SeparablePrefilter[] = [];
  for (const e of order) {
    if (residualSize(residual) <= tolerance) break;
    const cols = new Float64Array(n);
    for (let i = 0; i < n; i++) cols[i] = vectors[i * n + e];
    const rows = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += weights[r * n + i] * cols[i];
      rows[r] = sum;
    }
    for (let r = 0; r < n; r++) for (let i = 0; i < n; i++) residual[r * n + i] -= rows[r] * cols[i];
    terms.push({ rows, cols });
  }
  return terms;
}

function residualSize(residual: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < residual.length; i++) sum += Math.abs(residual[i]);
  return sum;
}
