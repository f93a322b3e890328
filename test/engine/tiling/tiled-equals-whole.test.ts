import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbToYcbcr } from '../../../src/engine/imaging/colour.ts';
import type { DecodedPhoto } from '../../../src/engine/imaging/image.ts';
import { modelGeometry } from '../../../src/engine/models/probe.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { runTiled, type TileSource } from '../../../src/engine/tiling/run-tiled.ts';
import { lrPlaneSource, lrRgbSource, upsampledSource } from '../../../src/engine/upscale/tile-sources.ts';
import { floatSink } from '../../helpers/float-sink.ts';
import { decodedPhotoLike, tempDir } from '../../helpers/models-photo.ts';
import { type TinyModelKind, tinyModelMeta, writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let photo: DecodedPhoto;

beforeAll(async () => {
  dir = tempDir('srs-tiling-');
  // An odd size so no tile size divides it.
  photo = await decodedPhotoLike(dir, 101, 67);
});

afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runWith(kind: TinyModelKind, source: TileSource, tile: number, batch: number, haloOverride?: number) {
  const file = await writeTinyModel(dir, kind, { scale: 2 });
  const session = await openSession(file, { device: 'cpu' });
  const geometry = await modelGeometry(session, file);
  const meta = tinyModelMeta(kind, { scale: 2 });
  const outW = source.width * geometry.ratio;
  const outH = source.height * geometry.ratio;
  const sink = floatSink(outW, outH, geometry.channels);
  const progress: number[] = [];
  await runTiled({
    session,
    geometry,
    source,
    sink,
    tile,
    halo: haloOverride ?? meta.halo,
    batch,
    onProgress: (p) => progress.push(p.done),
  });
  return { sink, progress };
}

function sourceFor(kind: TinyModelKind): TileSource {
  const { y } = rgbToYcbcr(photo.image);
  const range = { lo: 0, hi: 1 };
  if (kind === 'y-lr') return lrPlaneSource([y], range);
  if (kind === 'rgb-lr') return lrRgbSource(photo.image, range);
  return upsampledSource([y], photo.image.width * 2, photo.image.height * 2, range);
}

describe('tiled inference equals whole-image inference', () => {
  const kinds: TinyModelKind[] = ['y-upsampled-same', 'y-upsampled-valid', 'y-lr', 'rgb-lr'];
  for (const kind of kinds) {
    it(`${kind}: several tile sizes (non-dividing) and batch sizes match one whole-image run within 1e-4`, async () => {
      const source = sourceFor(kind);
      const whole = await runWith(kind, source, 4096, 1);
      expect(whole.progress.at(-1)).toBe(1);
      // Every output pixel written exactly once.
      expect(whole.sink.writes.every((w) => w === 1)).toBe(true);
      for (const [tile, batch] of [
        [17, 3],
        [40, 4],
        [64, 2],
        [33, 1],
      ]) {
        const tiled = await runWith(kind, source, tile, batch);
        expect(tiled.sink.writes.every((w) => w === 1)).toBe(true);
        expect(tiled.progress.at(-1)).toBeGreaterThan(1);
        let maxDiff = 0;
        for (let i = 0; i < whole.sink.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.sink.data[i] - tiled.sink.data[i]));
        expect(maxDiff, `tile ${tile}, batch ${batch}`).toBeLessThanOrEqual(1e-4);
      }
      // Sanity: the model really changed the image (not an all-zero output that would trivially match).
      const mean = whole.sink.data.reduce((a, b) => a + b, 0) / whole.sink.data.length;
      expect(mean).toBeGreaterThan(0.2);
      expect(mean).toBeLessThan(0.8);
    });
  }
});

it('the comparison is sensitive: with too little halo, tiles of a same-padded model do not match', async () => {
  const source = sourceFor('y-upsampled-same');
  const whole = await runWith('y-upsampled-same', source, 4096, 1);
  const seamy = await runWith('y-upsampled-same', source, 40, 4, 0);
  let maxDiff = 0;
  for (let i = 0; i < whole.sink.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.sink.data[i] - seamy.sink.data[i]));
  expect(maxDiff).toBeGreaterThan(1e-3);
});
