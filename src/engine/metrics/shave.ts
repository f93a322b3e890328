import { SrError } from '../errors.ts';
import type { Plane } from '../imaging/image.ts';

/** Checks that two planes can be compared pixel by pixel. */
export function assertSameSize(a: Plane, b: Plane, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${what}: the images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`,
      'Compare a reconstruction with the ground truth it was made from (same size after modcrop).',
    );
  }
}

/** Removes `shave` pixels from every border, as the protocol does before scoring (borders are unreliable for every method). */
export function shavePlane(p: Plane, shave: number): Plane {
  if (!Number.isInteger(shave) || shave < 0) {
    throw new SrError('BAD_ARGUMENT', `shave must be a whole number of pixels ≥ 0, got ${shave}`);
  }
  if (shave === 0) return p;
  const width = p.width - 2 * shave;
  const height = p.height - 2 * shave;
  if (width < 1 || height < 1) {
    throw new SrError(
      'TOO_SMALL',
      `A ${p.width}×${p.height} image has nothing left after shaving ${shave} pixels per border`,
      'Use larger images.',
    );
  }
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y + shave) * p.width + shave;
    data.set(p.data.subarray(from, from + width), y * width);
  }
  return { width, height, data };
}
