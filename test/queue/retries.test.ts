import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writePhotos } from '../helpers/jobs-batch.ts';
import { runCli } from '../helpers/jobs-cli.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { startWorkerProcess } from '../helpers/queue-workers.ts';

/** Which failures a queued batch tries again: those that may pass next time, never the file's own. */
const queue = useQueueFixture('retries');
const at = queue.at;

describe('retries of a queued batch', () => {
  it('tries a file that may pass --attempts times, then reports it failed once; a file that is not an image is tried once', async () => {
    await writePhotos(at('in'), 2, { seed: 31 });
    await writePhotos(at('in', 'sub'), 1, { seed: 32, prefix: 'blocked' });
    fs.writeFileSync(at('in', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nthis is not the rest of a PNG'));
    // A file where the output subfolder must go: every try fails to create it, until someone moves the file.
    fs.mkdirSync(at('out'));
    fs.writeFileSync(at('out', 'sub'), 'in the way');
    const worker = startWorkerProcess(queue.redis.url, { stateDir: at('worker') });

    const result = await runCli([...queue.queuedUpscaleArgs(at('in'), at('out'), at('state')), '--recursive', '--attempts', '2', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.ok).toBe(2);
    const failed = Object.fromEntries(doc.failed.map((f: { input: string; code: string }) => [f.input, f.code]));
    expect(failed).toEqual({ [at('in', 'broken.png')]: 'NOT_AN_IMAGE', [at('in', 'sub', 'blocked00.png')]: 'NOT_WRITABLE' });
    const blocked = doc.failed.find((f: { code: string }) => f.code === 'NOT_WRITABLE');
    expect(blocked.error).toContain(`Cannot create the folder ${at('out', 'sub')}: a file is in the way`);

    const tries = (name: string) => worker.log().match(new RegExp(`upscaling \\S+${name} \\(batch`, 'g'))?.length ?? 0;
    expect(tries('blocked00\\.png')).toBe(2);
    expect(tries('broken\\.png')).toBe(1);
  }, 180_000);
});
