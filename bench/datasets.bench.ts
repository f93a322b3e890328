// Measures dataset import speed: 5,000 generated small PNGs, created fresh in a temp folder.
// Run: npx tsx bench/datasets.bench.ts [count] [concurrency] [batchSize]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { createDataset, rescanDataset } from '../src/engine/datasets/datasets.ts';
import { openStore } from '../src/engine/store/store.ts';

const count = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 4);
const batchSize = Number(process.argv[4] ?? 100);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-bench-ds-'));

try {
  const folder = path.join(dir, 'images');
  fs.mkdirSync(folder);
  let t = performance.now();
  for (let i = 0; i < count; i += 1) {
    const data = Buffer.alloc(48 * 48 * 3);
    data.writeUInt32LE(i, 0); // distinct bytes, hence distinct hashes
    for (let p = 4; p < data.length; p += 1) data[p] = (p * 31 + i) & 0xff;
    await sharp(data, { raw: { width: 48, height: 48, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toFile(path.join(folder, `img-${String(i).padStart(5, '0')}.png`));
  }
  console.log(`generated ${count} PNGs (48×48) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const store = openStore(path.join(dir, 'state'));
  // Responsiveness: how long the event loop was ever blocked (a UI or IPC server shares it).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let maxGapMs = 0;
  let last = performance.now();
  t = performance.now();
  const { dataset } = await createDataset(store, 'bench', [folder], {
    concurrency,
    batchSize,
    onProgress: () => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
    },
  });
  const seconds = (performance.now() - t) / 1000;
  loopDelay.disable();
  console.log(
    `import: ${dataset.images} images in ${seconds.toFixed(2)} s = ${(dataset.images / seconds).toFixed(0)} images/s (concurrency ${concurrency}, batch ${batchSize}, longest gap between progress events ${maxGapMs.toFixed(0)} ms, event loop blocked at most ${(loopDelay.max / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms)`,
  );

  t = performance.now();
  await rescanDataset(store, dataset.id);
  const rescanSeconds = (performance.now() - t) / 1000;
  console.log(`rescan (nothing changed): ${rescanSeconds.toFixed(2)} s = ${(count / rescanSeconds).toFixed(0)} images/s`);
  store.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
