/**
 * The 8 flips/rotations of a square patch (the dihedral group D4), as index maps: `map[y*n+x]` is the source
 * pixel of output pixel (x, y). Input and label patches are concentric squares, so applying the same transform
 * to both keeps them aligned.
 */
const cache = new Map<number, Uint32Array[]>();

function buildMap(n: number, transform: number): Uint32Array {
  const map = new Uint32Array(n * n);
  const rotations = transform & 3;
  const flip = (transform & 4) !== 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let sx = flip ? n - 1 - x : x;
      let sy = y;
      for (let r = 0; r < rotations; r++) {
        const t = sx;
        sx = sy;
        sy = n - 1 - t;
      }
      map[y * n + x] = sy * n + sx;
    }
  }
  return map;
}

export const TRANSFORM_COUNT = 8;

/** Index maps for all 8 transforms of an n×n patch (transform 0 is the identity). */
export function dihedralMaps(n: number): Uint32Array[] {
  let maps = cache.get(n);
  if (!maps) {
    maps = Array.from({ length: TRANSFORM_COUNT }, (_, t) => buildMap(n, t));
    cache.set(n, maps);
  }
  return maps;
}
