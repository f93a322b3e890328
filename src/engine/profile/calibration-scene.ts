import { emptyPlanes, type RgbPlanes } from '../degrade/planes.ts';
import { seededRandom } from '../seeded-random.ts';

/**
 * The synthetic photo the estimators are calibrated on: a smooth two-way colour gradient (sky, walls: where noise
 * is measured) with sharp-edged discs and rotated rectangles on it (where blur is measured). Edges are
 * anti-aliased by 4×4 supersampling, so the scene is what an ideal sensor would record: sharp to the pixel, with
 * edges at every sub-pixel phase and angle, and nothing clipped (colours stay within 30–225). The shapes are placed
 * in the unit square, so one seed renders the same picture at any resolution (a high-resolution original and its
 * downscaled copy show the same edges).
 */
const SUPERSAMPLE = 4;
const SHAPES = 40;

type Colour = [number, number, number];

interface Shape {
  colour: Colour;
  /** Whether a point (in pixels) is inside. */
  contains(x: number, y: number): boolean;
  box: { left: number; top: number; right: number; bottom: number };
}

function disc(cx: number, cy: number, r: number, colour: Colour): Shape {
  return {
    colour,
    contains: (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r,
    box: { left: cx - r, top: cy - r, right: cx + r, bottom: cy + r },
  };
}

function rectangle(cx: number, cy: number, halfW: number, halfH: number, angle: number, colour: Colour): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const reach = Math.hypot(halfW, halfH);
  return {
    colour,
    contains: (x, y) => {
      const u = (x - cx) * c + (y - cy) * s;
      const v = -(x - cx) * s + (y - cy) * c;
      return Math.abs(u) <= halfW && Math.abs(v) <= halfH;
    },
    box: { left: cx - reach, top: cy - reach, right: cx + reach, bottom: cy + reach },
  };
}

export function calibrationScene(width: number, height: number, seed = 7): RgbPlanes {
  const random = seededRandom(seed);
  const colour = (): Colour => [30 + 195 * random(), 30 + 195 * random(), 30 + 195 * random()];
  const corners = [colour(), colour(), colour(), colour()];
  const image = emptyPlanes(width, height);
  for (let y = 0; y < height; y++) {
    const fy = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const fx = x / Math.max(1, width - 1);
      for (let c = 0; c < 3; c++) {
        const top = corners[0][c] * (1 - fx) + corners[1][c] * fx;
        const bottom = corners[2][c] * (1 - fx) + corners[3][c] * fx;
        image.planes[c][y * width + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  const side = Math.min(width, height);
  for (let n = 0; n < SHAPES; n++) {
    const cx = random() * width;
    const cy = random() * height;
    const size = side * (0.03 + 0.09 * random());
    const shape =
      random() < 0.5 ? disc(cx, cy, size, colour()) : rectangle(cx, cy, size, size * (0.3 + 0.7 * random()), random() * Math.PI, colour());
    paint(image, shape);
  }
  return image;
}

/**
 * Paints a (convex) shape over the image, each pixel by the share of its 4×4 sub-samples inside. A pixel whose four
 * corners are all inside is wholly inside; one whose corners are all outside is taken as outside (the shapes are
 * many pixels across, so at most a sliver of a corner is lost).
 */
function paint(image: RgbPlanes, shape: Shape): void {
  const { width, height } = image;
  const left = Math.max(0, Math.floor(shape.box.left));
  const right = Math.min(width - 1, Math.ceil(shape.box.right));
  const top = Math.max(0, Math.floor(shape.box.top));
  const bottom = Math.min(height - 1, Math.ceil(shape.box.bottom));
  const step = 1 / SUPERSAMPLE;
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const corners = +shape.contains(x, y) + +shape.contains(x + 1, y) + +shape.contains(x, y + 1) + +shape.contains(x + 1, y + 1);
      if (corners === 0) continue;
      let a = 1;
      if (corners < 4) {
        let inside = 0;
        for (let j = 0; j < SUPERSAMPLE; j++) {
          for (let i = 0; i < SUPERSAMPLE; i++) if (shape.contains(x + (i + 0.5) * step, y + (j + 0.5) * step)) inside++;
        }
        a = inside / (SUPERSAMPLE * SUPERSAMPLE);
      }
      const o = y * width + x;
      for (let c = 0; c < 3; c++) image.planes[c][o] = image.planes[c][o] * (1 - a) + shape.colour[c] * a;
    }
  }
}
