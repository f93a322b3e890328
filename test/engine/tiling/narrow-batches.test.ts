import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rgbToYcbcr } from '../../../src/engine/imaging/colour.ts';
import { modelGeometry } from '../../../src/engine/models/probe.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { runTiled, type TileSource } from '../../../src/engine/tiling/run-tiled.ts';
import { lrPlaneSource } from '../../../src/engine/upscale/tile-sources.ts';
import { floatSink } from '../../helpers/float-sink.ts';
import { decodedPhotoLike, tempDir } from '../../helpers/models-photo.ts';
import { tinyModelMeta, writeTinyModel } from '../../helpers/models-tiny.ts';

// A pipeline's batches run narrow while a decode or encode works beside them, and a narrow batch is one tile, so that
// the choice is made again soon after that work ends (run-tiled.ts). The grouping must not change a single output value.

let dir: string;
let source: TileSource;

beforeAll(async () => {
  dir = tempDir('srs-narrow-');
  const photo = await decodedPhotoLike(dir, 101, 67);
  source = lrPlaneSource([rgbToYcbcr(photo.image).y], { lo: 0, hi: 1 });
});

afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(narrow?: () => boolean, narrowThreads = 1) {
  const file = await writeTinyModel(dir, 'y-lr', { scale: 2 });
  // Two threads and (by default) a one-thread narrow session in the worker, as a pipeline opens them.
  const session = await openSession(file, { device: 'cpu', threads: 2, narrowThreads });
  const geometry = await modelGeometry(session, file);
  const sink = floatSink(source.width * 2, source.height * 2, geometry.channels);
  const batches: number[] = [];
  let done = 0;
  await runTiled({
    session,
    geometry,
    source,
    sink,
    tile: 17,
    halo: tinyModelMeta('y-lr', { scale: 2 }).halo,
    batch: 4,
    narrow,
    onProgress: (p) => {
      if (p.done > done) batches.push(p.done - done);
      done = p.done;
    },
  });
  return { sink, batches };
}

it('narrow batches are one tile, the others keep their size, and the output is the same to the last bit', async () => {
  const wide = await run();
  // 101×67 in 17-pixel tiles: 6×4 tiles, six batches of four.
  expect(wide.batches).toEqual([4, 4, 4, 4, 4, 4]);

  // Narrow for the first three choices, wide for two, then narrow again for good.
  let asked = 0;
  const mixed = await run(() => {
    asked++;
    return asked <= 3 || asked > 5;
  });
  expect(mixed.batches).toEqual([1, 1, 1, 4, 4, ...Array<number>(13).fill(1)]);
  expect(mixed.sink.writes.every((w) => w === 1)).toBe(true);
  expect(wide.sink.writes.every((w) => w === 1)).toBe(true);
  expect(Buffer.from(mixed.sink.data.buffer).equals(Buffer.from(wide.sink.data.buffer))).toBe(true);
  // The model really drew something: a blank output would match trivially.
  expect(Math.max(...wide.sink.data)).toBeGreaterThan(0.2);
});

it('without a narrow session (a fixed thread split; a GPU provider gets none) every batch keeps its size', async () => {
  const fixed = await run(() => true, 2);
  expect(fixed.batches).toEqual([4, 4, 4, 4, 4, 4]);
  expect(fixed.sink.writes.every((w) => w === 1)).toBe(true);
});
