/**
 * MATLAB imresize throughput on a 12 MP photo (npm run bench:resize). Prints numbers; asserts nothing.
 * The machine is shared and noisy: compare runs made minutes apart with care, and look at the best of N.
 */
import { performance } from 'node:perf_hooks';
import type { Plane, RgbImage } from '../src/engine/imaging/image.ts';
import { imresize, imresizeRegion, imresizeRgb } from '../src/engine/imaging/matlab-resize.ts';

const WIDTH = 4002; // a multiple of 2 and 3, like a modcropped photo
const HEIGHT = 3000;
const REPEATS = 3;

function photoPlane(width: number, height: number): Plane {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x * 7 + y * 13 + ((x * y) % 31)) & 255;
  return { width, height, data };
}

function photoRgb(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width, height, channels: 3, data };
}

function best(run: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - t0) / 1000);
  }
  return fastest;
}

function report(label: string, inPixels: number, outPixels: number, seconds: number): void {
  const mp = (n: number) => (n / 1e6).toFixed(1);
  console.log(
    `${label.padEnd(34)} ${mp(inPixels).padStart(5)} MP → ${mp(outPixels).padStart(5)} MP  ${seconds.toFixed(3)} s  ` +
      `${(inPixels / 1e6 / seconds).toFixed(1)} MP/s in, ${(outPixels / 1e6 / seconds).toFixed(1)} MP/s out`,
  );
}

/** A plain multiply-add loop of the size of the ↓3 row pass, to tell a slow resize from a busy machine. */
function calibrate(): number {
  const src = new Float32Array(WIDTH * HEIGHT);
  const acc = new Float64Array(WIDTH);
  return best(() => {
    for (let r = 0; r < HEIGHT / 3; r++) {
      for (let k = 0; k < 12; k++) {
        const base = ((r * 3 + k) % HEIGHT) * WIDTH;
        for (let x = 0; x < WIDTH; x++) acc[x] += 0.1 * src[base + x];
      }
    }
  });
}

const big = photoPlane(WIDTH, HEIGHT);
const small = photoPlane(WIDTH / 3, HEIGHT / 3);
const n = WIDTH * HEIGHT;
console.log(`MATLAB imresize, bicubic, one float plane unless noted; best of ${REPEATS}`);
console.log(`calibration: a bare 48 M multiply-add loop takes ${calibrate().toFixed(3)} s on this machine right now`);
report(
  '12 MP ↓3',
  n,
  n / 9,
  best(() => imresize(big, WIDTH / 3, HEIGHT / 3)),
);
report(
  '12 MP ↓2',
  n,
  n / 4,
  best(() => imresize(big, WIDTH / 2, HEIGHT / 2)),
);
report(
  '↑3 to 12 MP',
  n / 9,
  n,
  best(() => imresize(small, WIDTH, HEIGHT)),
);
report(
  '↑3 to 12 MP, one 512×512 region',
  n / 9,
  512 * 512,
  best(() => imresizeRegion(small, WIDTH, HEIGHT, { x: 1700, y: 1200, width: 512, height: 512 })),
);
const rgb = photoRgb(WIDTH, HEIGHT);
report(
  '12 MP RGB ↓3 (degrade), uint8',
  n,
  n / 9,
  best(() => imresizeRgb(rgb, WIDTH / 3, HEIGHT / 3)),
);
