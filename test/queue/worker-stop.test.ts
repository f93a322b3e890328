import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writePhotos } from '../helpers/jobs-batch.ts';
import { startCli } from '../helpers/jobs-cli.ts';
import { listTree } from '../helpers/jobs-fs.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { escapeRegExp, startWorkerProcess } from '../helpers/queue-workers.ts';

/** A worker stopped by a signal: the first finishes the file it has, a second hands it back; never a half-written output. */
const queue = useQueueFixture('worker-stop');
const at = queue.at;

describe('srstudio worker on SIGINT', () => {
  it('finishes the current file on the first signal, hands it back on a second, and the batch still completes', async () => {
    // 1.5 MP in, 5.9 MP out: 2-5 s per file here, so both signals land inside a file even on a busy machine.
    await writePhotos(at('in'), 3, { width: 1400, height: 1050, seed: 90 });
    const args = [...queue.queuedUpscaleArgs(at('in'), at('out'), at('state')), '--json'];
    const batch = startCli(args);

    // One file at a time (the default with the pipeline takes three), so that each signal meets exactly one file.
    const oneAtATime = ['--concurrency', '1'];
    const finisher = startWorkerProcess(queue.redis.url, { stateDir: at('worker-a'), extraArgs: oneAtATime });
    const [, first] = await finisher.waitFor(/upscaling (\S+) \(batch/);
    finisher.child.kill('SIGINT');
    const finished = await finisher.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toContain('SIGINT: finishing the current file(s), taking no new one');
    expect(finished.stderr).toMatch(new RegExp(`wrote ${escapeRegExp(first.replace('/in/', '/out/').replace('.png', '_x2.png'))} `));
    expect(finished.stderr.match(/upscaling /g)).toHaveLength(1);

    const quitter = startWorkerProcess(queue.redis.url, { stateDir: at('worker-b'), extraArgs: oneAtATime });
    const [, second] = await quitter.waitFor(/upscaling (\S+) \(batch/);
    quitter.child.kill('SIGINT');
    await quitter.waitFor(/SIGINT: finishing/);
    quitter.child.kill('SIGINT');
    const quit = await quitter.done;
    expect(quit.code, quit.stderr).toBe(130);
    expect(quit.stderr).toContain(`handing back ${second}: this worker is stopping`);
    expect(quit.stderr).not.toMatch(/ wrote /);
    const secondOutput = second.replace('/in/', '/out/').replace('.png', '_x2.png');
    expect(fs.existsSync(secondOutput)).toBe(false);

    const last = startWorkerProcess(queue.redis.url, { stateDir: at('worker-c') });
    const result = await batch.done;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: 3, failed: [], remaining: 0 });
    // The handed-back file went back to the queue at once: the third worker took it up and wrote it.
    expect(last.log()).toMatch(new RegExp(`wrote ${escapeRegExp(secondOutput)} `));
    expect(listTree(at('out'))).toEqual(['photo00_x2.png', 'photo01_x2.png', 'photo02_x2.png']);
  }, 240_000);
});
