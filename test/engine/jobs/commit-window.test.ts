import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { ExistingPolicy } from '../../../src/engine/jobs/upscale-request.ts';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { readTree, writePhotos } from '../../helpers/jobs-batch.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-commit-window-', (f) => ({ store, model, at } = f));

/** A pid above Linux's pid_max: no process has it, so the job reads as left by a process that died. */
const DEAD_PID = 2 ** 22 + 12345;

/**
 * Runs a whole batch, then puts its journal back into the state a kill -9 leaves when it strikes between a photo's
 * output being linked into place and the journal recording that photo: the job 'running' under a dead process, that
 * photo's row 'running' with no result, its output complete on disk, and the temp name (a second link to the same
 * file) not yet removed. Real rows, edited the way the code would have left them; nothing in the code is stubbed.
 * Returns the job id, the photo's row and the output tree as the batch wrote it.
 */
async function killedInCommitWindow(existing: ExistingPolicy) {
  await writePhotos(at('in'), 3);
  const done = await runUpscaleJob({ store, request: { inputs: [at('in')], outDir: at('out'), model, existing } });
  expect(done).toMatchObject({ status: 'done', ok: 3 });
  const written = readTree(at('out'));
  const jobs = new JobsRepo(store);
  const [, photo] = jobs.items(done.job);
  const output = photo.output as string;
  fs.linkSync(output, path.join(path.dirname(output), `.${path.basename(output)}.0123456789ab.srs-tmp`));
  store.db.prepare("UPDATE job_items SET status = 'running', width = NULL, height = NULL, seconds = NULL WHERE id = ?").run(photo.id);
  store.db.prepare("UPDATE jobs SET status = 'running', owner_pid = ? WHERE id = ?").run(DEAD_PID, done.job);
  return { jobId: done.job, photo, written };
}

describe('a batch killed between committing an output and journaling it', () => {
  for (const existing of ['refuse', 'skip'] as const) {
    it(`--resume (${existing}) recognises that photo's own complete output: ok, the same bytes, nothing left over`, async () => {
      const { jobId, photo, written } = await killedInCommitWindow(existing);

      const resumed = await runUpscaleJob({ store, resume: jobId });
      expect(resumed).toMatchObject({ job: jobId, status: 'done', ok: 3, failed: [], skipped: [], remaining: 0 });
      expect(new JobsRepo(store).items(jobId).find((i) => i.id === photo.id)).toMatchObject({ status: 'done', width: 80, height: 64 });
      expect(readTree(at('out'))).toEqual(written);
    });
  }

  it('a different file found there is still kept, and that photo fails with OUTPUT_EXISTS', async () => {
    const { jobId, photo } = await killedInCommitWindow('refuse');
    const output = photo.output as string;
    const other = fs.readFileSync(output);
    other[other.length - 20] ^= 0xff;
    fs.writeFileSync(output, other);

    const resumed = await runUpscaleJob({ store, resume: jobId });
    expect(resumed).toMatchObject({ status: 'done', ok: 2 });
    expect(resumed.failed).toEqual([{ input: photo.input, code: 'OUTPUT_EXISTS', error: expect.stringContaining(output) }]);
    expect(fs.readFileSync(output).equals(other)).toBe(true);
  });
});
