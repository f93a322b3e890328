import { SrError } from '../errors.ts';
import type { Plane } from '../imaging/image.ts';
import { assertSameSize, shavePlane } from './shave.ts';

// Wang, Bovik, Sheikh, Simoncelli 2004 (ssim_index.m): 11×11 gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255.
const WINDOW = 11;
const SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** The normalised 1-D gaussian; its outer product with itself is MATLAB's fspecial('gaussian', 11, 1.5). */
function gaussian1d(): Float64Array {
  const g = new Float64Array(WINDOW);
  const mid = (WINDOW - 1) / 2;
  let sum = 0;
  for (let i = 0; i < WINDOW; i++) {
    g[i] = Math.exp(-((i - mid) ** 2) / (2 * SIGMA * SIGMA));
    sum += g[i];
  }
  for (let i = 0; i < WINDOW; i++) g[i] /= sum;
  return g;
}

const KERNEL = gaussian1d();

/**
 * Local means and second moments (E[a], E[b], E[a²], E[b²], E[ab]) over every valid window position:
 * filter2(window, ·, 'valid') with the separable gaussian, in float64. The horizontal pass computes all five
 * at once so that each pixel pair is loaded once per tap.
 */
function localMoments(a: Float32Array, b: Float32Array, width: number, height: number) {
  const vw = width - WINDOW + 1;
  const vh = height - WINDOW + 1;
  const size = vw * height;
  const hA = new Float64Array(size);
  const hB = new Float64Array(size);
  const hAA = new Float64Array(size);
  const hBB = new Float64Array(size);
  const hAB = new Float64Array(size);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < vw; x++) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let k = 0; k < WINDOW; k++) {
        const w = KERNEL[k];
        const va = a[row + x + k];
        const vb = b[row + x + k];
        const wa = w * va;
        const wb = w * vb;
        sa += wa;
        sb += wb;
        saa += wa * va;
        sbb += wb * vb;
        sab += wa * vb;
      }
      const o = y * vw + x;
      hA[o] = sa;
      hB[o] = sb;
      hAA[o] = saa;
      hBB[o] = sbb;
      hAB[o] = sab;
    }
  }
  return {
    count: vw * vh,
    muA: filterCols(hA, vw, height),
    muB: filterCols(hB, vw, height),
    eAA: filterCols(hAA, vw, height),
    eBB: filterCols(hBB, vw, height),
    eAB: filterCols(hAB, vw, height),
  };
}

/** Vertical 'valid' pass, a whole row at a time so that memory is read sequentially. */
function filterCols(src: Float64Array, width: number, height: number): Float64Array {
  const vh = height - WINDOW + 1;
  const out = new Float64Array(width * vh);
  for (let y = 0; y < vh; y++) {
    const o = y * width;
    for (let k = 0; k < WINDOW; k++) {
      const w = KERNEL[k];
      const row = (y + k) * width;
      for (let x = 0; x < width; x++) out[o + x] += w * src[row + x];
    }
  }
  return out;
}

/** Mean SSIM over the valid region, after shaving `shave` pixels per border. 1 for identical planes; symmetric. */
export function ssim(a: Plane, b: Plane, shave: number): number {
  assertSameSize(a, b, 'SSIM');
  const sa = shavePlane(a, shave);
  const sb = shavePlane(b, shave);
  if (sa.width < WINDOW || sa.height < WINDOW) {
    throw new SrError(
      'TOO_SMALL',
      `SSIM needs at least ${WINDOW}×${WINDOW} pixels after shaving, got ${sa.width}×${sa.height}`,
      'Use larger images or a smaller shave.',
    );
  }
  const { count, muA, muB, eAA, eBB, eAB } = localMoments(sa.data, sb.data, sa.width, sa.height);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const ma = muA[i];
    const mb = muB[i];
    const varA = eAA[i] - ma * ma;
    const varB = eBB[i] - mb * mb;
    const cov = eAB[i] - ma * mb;
    sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (varA + varB + C2));
  }
  return sum / count;
}
