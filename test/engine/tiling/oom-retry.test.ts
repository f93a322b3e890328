import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { modelGeometry } from '../../../src/engine/models/probe.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { runTiled, type TiledProgress } from '../../../src/engine/tiling/run-tiled.ts';
import { lrPlaneSource } from '../../../src/engine/upscale/tile-sources.ts';
import { tempDir } from '../../helpers/models-photo.ts';

/**
 * A real out-of-memory inside ONNX Runtime, without exhausting the machine: for windows larger than
 * `maxArea` pixels the graph asks ORT's arena for a 16 TiB buffer, which it refuses ("Failed to allocate").
 * Smaller windows pass the input through unchanged.
 */
function memoryHungryModel(maxArea: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', ['N', 1, 'H', 'W']);
  const shape = g.op('Shape', [x]);
  const area = g.op('Mul', [g.op('Gather', [shape, g.ints([2])], { axis: 0 }), g.op('Gather', [shape, g.ints([3])], { axis: 0 })]);
  const dims = g.op('Where', [g.op('Greater', [area, g.ints([maxArea])]), g.ints([2 ** 42]), g.ints([1])]);
  const sum = g.op('ReduceSum', [g.op('Expand', [g.scalar(0), dims])], { keepdims: 0 });
  g.op('Add', [x, sum], {}, 'output');
  g.output('output', ['N', 1, 'H', 'W']);
  return g.toModel();
}

const dir = tempDir('srs-oom-');
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(file: string, tile: number, notes: TiledProgress[], minTile?: number) {
  const plane = { width: 90, height: 70, data: Float32Array.from({ length: 90 * 70 }, (_, i) => (i % 251) / 251) };
  const out = new Float32Array(plane.data.length);
  return openSession(file, { device: 'cpu' }).then(async (session) => {
    const geometry = await modelGeometry(session, file);
    const used = await runTiled({
      session,
      geometry,
      source: lrPlaneSource([plane], { lo: 0, hi: 255 }),
      sink: {
        write(core) {
          for (let j = 0; j < core.height; j++) {
            for (let i = 0; i < core.width; i++) out[(core.y + j) * 90 + core.x + i] = core.data[core.offset + j * core.rowStride + i];
          }
        },
      },
      tile,
      halo: 0,
      batch: 2,
      minTile,
      onProgress: (p) => notes.push(p),
    });
    return { used, out, plane };
  });
}

it('halves the tile size when ORT cannot allocate, reports it, and still produces the full output', async () => {
  const file = path.join(dir, 'hungry.onnx');
  fs.writeFileSync(file, memoryHungryModel(40 * 40));
  const notes: TiledProgress[] = [];
  // 96-pixel tiles: one 90×70 window, refused; 48-pixel tiles: 45×35 windows, accepted.
  const { used, out, plane } = await run(file, 96, notes);
  expect(used).toBe(48);
  expect(notes.some((n) => n.note?.includes('Out of memory') && n.note.includes('48'))).toBe(true);
  expect(notes.at(-1)?.done).toBe(notes.at(-1)?.total);
  for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - plane.data[i])).toBeLessThan(1e-5);
});

it('gives up with TOO_LARGE once tiles cannot shrink further', async () => {
  const file = path.join(dir, 'hungrier.onnx');
  // The 24² and 32² probes pass; every window of a 48-pixel tile (45×35 here) is refused.
  fs.writeFileSync(file, memoryHungryModel(32 * 32));
  const notes: TiledProgress[] = [];
  const error = await run(file, 96, notes, 48).catch((e: unknown) => e);
  expect(isSrError(error) && error.code).toBe('TOO_LARGE');
  expect(isSrError(error) && error.message).toContain('48-pixel tiles');
  expect(notes.filter((n) => n.note?.includes('Out of memory')).length).toBe(1);
});
