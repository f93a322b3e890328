import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBadFiles } from '../helpers/imaging-bad-files.ts';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli, startCli } from '../helpers/jobs-cli.ts';
import { listTree } from '../helpers/jobs-fs.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { escapeRegExp, startWorkerProcess } from '../helpers/queue-workers.ts';

/**
 * The "must show": a real redis-server, two `srstudio worker` processes, a folder of 12 photos with one
 * corrupt file, and one worker killed with SIGKILL in the middle of a file. Everything else is real too: the
 * enqueuing CLI, BullMQ's stalled-job recovery, sharp, ONNX Runtime, the atomic writes.
 */
const queue = useQueueFixture('fleet');
const at = queue.at;

beforeAll(async () => {
  // 800×600 → 1600×1200 takes ~1 s per file here: long enough that a kill lands inside a file.
  await writePhotos(at('in'), 11, { width: 800, height: 600 });
  fs.mkdirSync(at('bad'));
  const bad = await writeBadFiles(at('bad'));
  fs.copyFileSync(bad.truncatedJpeg, at('in', 'photo05-corrupt.jpg'));
}, 60_000);

describe('a queued batch across two workers, one killed with kill -9 mid-file', () => {
  it('writes the same bytes as a local batch, reports the corrupt file once, and leaves no temp files', async () => {
    const local = await runCli(['upscale', at('in'), '-o', at('local'), '--model', queue.model, '--state', at('state-local'), '--json']);
    expect(local.code, local.stderr).toBe(1); // the corrupt file
    const reference = readTree(at('local'));
    expect(reference.size).toBe(11);

    const victim = startWorkerProcess(queue.redis.url, { stateDir: at('worker-a') });
    await victim.waitFor(/serving redis:/);
    const survivor = startWorkerProcess(queue.redis.url, { stateDir: at('worker-b') });
    await survivor.waitFor(/serving redis:/);

    const batch = startCli([...queue.queuedUpscaleArgs(at('in'), at('out'), at('state-queue')), '--json']);
    // The victim announces each file before it starts on it: kill it right inside its first good one.
    const [, killedInput] = await victim.waitFor(/upscaling (\S+photo\d\d\.png) \(batch/);
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    expect(killed.signal).toBe('SIGKILL');

    const result = await batch.done;
    expect(result.code, result.stderr).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['job', 'ok', 'failed', 'skipped', 'outputs', 'seconds']));
    expect(doc.status).toBe('done');
    expect(doc.ok, JSON.stringify(doc.failed)).toBe(11);
    expect(doc.remaining).toBe(0);
    expect(result.stderr).toMatch(/Batch \d+ queued on redis:\/\/127\.0\.0\.1:\d+: 12 file\(s\)/);

    // The corrupt file: in `failed` exactly once, with the decoder's reason, tried once (its bytes will not change).
    expect(doc.failed).toHaveLength(1);
    expect(doc.failed[0]).toMatchObject({ input: at('in', 'photo05-corrupt.jpg'), code: 'CORRUPT_IMAGE' });
    expect(doc.failed[0].error).toContain(at('in', 'photo05-corrupt.jpg'));
    const tries = (victim.log() + survivor.log()).match(/upscaling \S+photo05-corrupt\.jpg/g) ?? [];
    expect(tries.length).toBe(1);

    // Byte-identical to the local batch, file by file, and nothing else in the folder (no temp files).
    const queued = readTree(at('out'));
    expect([...queued.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [name, bytes] of reference) expect(queued.get(name)?.equals(bytes), name).toBe(true);
    expect(listTree(at('out')).filter((f) => f.endsWith('.srs-tmp'))).toEqual([]);

    // The killed file went to the survivor once the victim's lock expired (BullMQ's stalled check), as its 2nd try:
    // upscaled again, or (had the kill come between the victim's rename and its ack) recognised as already written.
    const killedOutput = doc.outputs.find((o: { input: string }) => o.input === killedInput).output;
    const secondTry = `upscaling ${escapeRegExp(killedInput)} \\(batch \\d+, file \\d+, try 2\\)|already written: ${escapeRegExp(killedOutput)}`;
    expect(survivor.log()).toMatch(new RegExp(secondTry));
    // Written once: of all attempts on all workers, exactly one wrote each output.
    const writes = (victim.log() + survivor.log()).match(/^.* wrote (\S+) /gm) ?? [];
    const outputs = writes.map((line) => line.split(' wrote ')[1].split(' ')[0]);
    expect(outputs.sort()).toEqual(doc.outputs.map((o: { output: string }) => o.output).sort());
    expect(doc.workers.map((w: { name: string }) => w.name)).toContain(survivor.log().match(/worker (\S+) serving/)?.[1]);
  }, 300_000);
});
