import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useGraphCache } from '../../../src/engine/models/graph-cache.ts';
import { openSession, releaseSessions } from '../../../src/engine/models/session.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

let dir: string;
let model: string;
beforeAll(async () => {
  dir = tempDir('srs-graph-cache-');
  // A model ORT really optimises (convolutions, ReLU fusions), from a real model file.
  model = await writeTinyModel(dir, 'y-upsampled-same');
});
afterEach(async () => {
  await releaseSessions();
  useGraphCache(undefined);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const graphs = (state: string) => path.join(state, 'cache', 'graphs');
/** An entry whose recorded hash matches its bytes. */
const sound = (graph: string) =>
  fs.readFileSync(`${graph}.sha256`, 'utf8').trim() === createHash('sha256').update(fs.readFileSync(graph)).digest('hex');
const entries = (state: string) => (fs.existsSync(graphs(state)) ? fs.readdirSync(graphs(state)).sort() : []);

/** The model's output on a fixed ramp, from a fresh session (the in-process session cache emptied first). */
async function freshOutput(): Promise<Float32Array> {
  await releaseSessions();
  const s = await openSession(model, { device: 'cpu', threads: 1 });
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 48 * 40 }, (_, i) => (i % 97) / 97),
    [1, 1, 40, 48],
  );
  const out = await (await s.onThread()).run({ [s.inputName]: input });
  return (out[s.outputName] as ort.Tensor).data as Float32Array;
}

describe('the optimised-graph cache', () => {
  it('is written on the first session and read by the next, with the same outputs as without it', async () => {
    const state = path.join(dir, 'state-a');
    const uncached = await freshOutput();
    useGraphCache(state);
    const first = await freshOutput();
    const written = entries(state);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^[0-9a-f]{32}\.onnx$/);
    expect(written[1]).toBe(`${written[0]}.sha256`);
    const graph = path.join(graphs(state), written[0]);
    const writtenAt = fs.statSync(graph).mtimeMs;

    const second = await freshOutput();
    // Read, not written again: the same file, and no temp file left beside it.
    expect(entries(state)).toEqual(written);
    expect(fs.statSync(graph).mtimeMs).toBe(writtenAt);
    expect(Buffer.from(first.buffer).equals(Buffer.from(uncached.buffer))).toBe(true);
    expect(Buffer.from(second.buffer).equals(Buffer.from(uncached.buffer))).toBe(true);
  });

  it('ignores an entry whose bytes no longer match their hash, and one ORT cannot load, and writes it again', async () => {
    const state = path.join(dir, 'state-b');
    useGraphCache(state);
    const reference = await freshOutput();
    const [name] = entries(state);
    const graph = path.join(graphs(state), name);
    const good = fs.readFileSync(graph);

    // Damaged on disk: the hash beside it no longer matches, so it is not used and is written again.
    const damaged = good.subarray(0, good.length >> 1);
    fs.writeFileSync(graph, damaged);
    expect(Buffer.from((await freshOutput()).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    expect(fs.readFileSync(graph).equals(damaged)).toBe(false);
    expect(sound(graph)).toBe(true);

    // Garbage with a matching hash (as a foreign writer could leave): ORT refuses it, it is deleted and written again.
    fs.writeFileSync(graph, 'not an onnx graph');
    fs.writeFileSync(`${graph}.sha256`, createHash('sha256').update('not an onnx graph').digest('hex'));
    expect(Buffer.from((await freshOutput()).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    // The failed load removed the bad entry; the next session writes a sound one.
    expect(fs.existsSync(graph)).toBe(false);
    await freshOutput();
    expect(sound(graph)).toBe(true);
    expect(entries(state)).toEqual([name, `${name}.sha256`]);
  });

  it('is off until a batch turns it on', async () => {
    const state = path.join(dir, 'state-c');
    await freshOutput();
    expect(entries(state)).toEqual([]);
  });
});
