/**
 * What the Upscale queue asks of the engine when it lists many photos a browser cannot show (HEIC, TIFF): a display
 * copy of each, all at once. Prints how long until the first and the last were ready, the peak memory and the longest
 * the event loop was blocked (during which the engine answers nothing, not even a cancel).
 *
 *   npx tsx scripts/research/display-copies-at-once.mts DIR   # every .heic/.tif in DIR, each with its own copy
 */
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayCopy } from '../../src/engine/preview/display-copy.ts';

const dir = path.resolve(process.argv[2] ?? '.');
const files = readdirSync(dir)
  .filter((name) => /\.(heic|tiff?)$/i.test(name))
  .map((name) => path.join(dir, name));
const state = path.join(os.tmpdir(), `srs-display-copies-${process.pid}`);

let peakRss = 0;
const memory = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let longestBlock = 0;
let last = performance.now();
const loop = setInterval(() => {
  const now = performance.now();
  longestBlock = Math.max(longestBlock, now - last - 20);
  last = now;
}, 20);

const start = performance.now();
const ready: number[] = [];
try {
  await Promise.all(files.map((file) => displayCopy(file, state).then(() => ready.push((performance.now() - start) / 1000))));
} finally {
  clearInterval(memory);
  clearInterval(loop);
  rmSync(state, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    photos: files.length,
    firstReadySeconds: Number(Math.min(...ready).toFixed(1)),
    allReadySeconds: Number(Math.max(...ready).toFixed(1)),
    peakRssGB: Number((peakRss / 1e9).toFixed(2)),
    longestBlockedLoopSeconds: Number((longestBlock / 1000).toFixed(1)),
  }),
);
