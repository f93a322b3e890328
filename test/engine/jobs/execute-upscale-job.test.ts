import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UpscaleJobEvent } from '../../../src/engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import type { ExistingPolicy, UpscaleRequestInput } from '../../../src/engine/jobs/upscale-request.ts';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { openStore, type Store } from '../../../src/engine/store/store.ts';
import { writePhotos } from '../../helpers/jobs-batch.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';
import { listTree, touchFile } from '../../helpers/jobs-fs.ts';
import { runInterruptedBatch } from '../../helpers/jobs-interrupted.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
useBatchFixture('srstudio-exec-', (f) => ({ store, model, at } = f));

/** Runs a batch; `planned` runs once it is planned (job-start), before any file is written, as another writer would. */
async function runWith(request: UpscaleRequestInput | undefined, options: { resume?: number; planned?: () => void } = {}) {
  const events: UpscaleJobEvent[] = [];
  const summary = await runUpscaleJob({
    store,
    request,
    resume: options.resume,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'job-start') options.planned?.();
    },
  });
  return { summary, events };
}

describe('executeUpscaleJob: outputs that appear after planning', () => {
  it('keeps a file written at a planned output meanwhile: that photo fails with OUTPUT_EXISTS, the others are done', async () => {
    await writePhotos(at('in'), 3);
    const intruder = at('out', 'photo01_x2.png');
    const { summary } = await runWith(
      { inputs: [at('in')], outDir: at('out'), model },
      { planned: () => touchFile(intruder, 'another batch') },
    );

    expect(fs.readFileSync(intruder, 'utf8')).toBe('another batch');
    expect(summary.ok).toBe(2);
    expect(summary.failed).toEqual([
      { input: at('in', 'photo01.png'), code: 'OUTPUT_EXISTS', error: expect.stringContaining(`${intruder} already exists`) },
    ]);
    expect(listTree(at('out'))).toEqual(['photo00_x2.png', 'photo01_x2.png', 'photo02_x2.png']);
  });

  it('with skip records that photo as skipped, and with overwrite replaces the file', async () => {
    await writePhotos(at('in'), 2);
    const intruder = at('out', 'photo00_x2.png');
    const plant = () => touchFile(intruder, 'another batch');
    const request = (existing: ExistingPolicy) => ({ inputs: [at('in')], outDir: at('out'), model, existing });

    const skipped = await runWith(request('skip'), { planned: plant });
    expect(skipped.summary.skipped).toEqual([
      { input: at('in', 'photo00.png'), reason: `output already exists: ${intruder} (--skip-existing)` },
    ]);
    expect(skipped.summary).toMatchObject({ ok: 1, failed: [] });
    expect(skipped.events).toContainEqual(expect.objectContaining({ type: 'item-skipped', input: at('in', 'photo00.png') }));
    expect(fs.readFileSync(intruder, 'utf8')).toBe('another batch');

    fs.rmSync(at('out'), { recursive: true });
    const replaced = await runWith(request('overwrite'), { planned: plant });
    expect(replaced.summary).toMatchObject({ ok: 2, failed: [], skipped: [] });
    expect(fs.readFileSync(intruder).subarray(1, 4).toString()).toBe('PNG');
  });

  it('two batches started together into one folder never replace each other', async () => {
    await writePhotos(at('a'), 4, { seed: 1 });
    await writePhotos(at('b'), 4, { seed: 50 });
    const second = openStore(at('state-b'));
    try {
      // Both plan before either writes (the model opens first), so both find the folder empty, as in the reported race.
      const [a, b] = await Promise.all([
        runUpscaleJob({ store, request: { inputs: [at('a')], outDir: at('out'), model } }),
        runUpscaleJob({ store: second, request: { inputs: [at('b')], outDir: at('out'), model } }),
      ]);
      expect(a.ok + b.ok).toBe(4);
      const lost = [...a.failed, ...b.failed];
      expect(lost).toHaveLength(4);
      for (const failure of lost) expect(failure.code).toBe('OUTPUT_EXISTS');
      expect(listTree(at('out'))).toEqual(['photo00_x2.png', 'photo01_x2.png', 'photo02_x2.png', 'photo03_x2.png']);
    } finally {
      second.close();
    }
  });

  it('a resume keeps a file put at a pending output after the interruption, under the policy of the batch', async () => {
    await writePhotos(at('in'), 3);
    const jobId = await runInterruptedBatch(store, { inputs: [at('in')], outDir: at('out'), model });
    const pending = new JobsRepo(store).items(jobId, 'pending');
    expect(pending.length).toBe(2);
    const dropped = touchFile(pending[0].output as string, 'put there by hand');

    const { summary } = await runWith(undefined, { resume: jobId });
    expect(fs.readFileSync(dropped, 'utf8')).toBe('put there by hand');
    expect(summary).toMatchObject({ status: 'done', ok: 2 });
    expect(summary.failed).toEqual([{ input: pending[0].input, code: 'OUTPUT_EXISTS', error: expect.stringContaining(dropped) }]);
  });

  it('a resume of a --skip-existing batch skips such a file instead', async () => {
    await writePhotos(at('in'), 3);
    const jobId = await runInterruptedBatch(store, { inputs: [at('in')], outDir: at('out'), model, existing: 'skip' });
    const [first] = new JobsRepo(store).items(jobId, 'pending');
    const dropped = touchFile(first.output as string, 'put there by hand');

    const { summary } = await runWith(undefined, { resume: jobId });
    expect(fs.readFileSync(dropped, 'utf8')).toBe('put there by hand');
    expect(summary).toMatchObject({ status: 'done', ok: 2, failed: [] });
    expect(summary.skipped).toEqual([{ input: first.input, reason: expect.stringContaining('already exists') }]);
  });
});
