import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { readUpscaleJobParams } from '../../../src/engine/jobs/create-upscale-job.ts';
import type { UpscaleJobEvent } from '../../../src/engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../../src/engine/jobs/run-upscale-job.ts';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { ModelsRepo } from '../../../src/engine/store/models-repo.ts';
import type { Store } from '../../../src/engine/store/store.ts';
import { BROKEN_FILE_CODES, writeBadFiles } from '../../helpers/imaging-bad-files.ts';
import { readTree, writePhotos } from '../../helpers/jobs-batch.ts';
import { useBatchFixture } from '../../helpers/jobs-batch-fixture.ts';
import { listTree, touchFile } from '../../helpers/jobs-fs.ts';
import { runInterruptedBatch } from '../../helpers/jobs-interrupted.ts';

let store: Store;
let model: string;
let at: (...parts: string[]) => string;
let dir: string;
useBatchFixture('srstudio-jobs-', (f) => ({ store, model, at, dir } = f));

async function run(request: Parameters<typeof runUpscaleJob>[0]['request'], extra: Partial<Parameters<typeof runUpscaleJob>[0]> = {}) {
  const events: UpscaleJobEvent[] = [];
  const summary = await runUpscaleJob({
    store,
    request,
    ...extra,
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { summary, events };
}

describe('runUpscaleJob', () => {
  it('without a model, runs the default the user chose for the scale (kept in the store) over the bundled one', async () => {
    await writePhotos(at('in'), 1);
    const models = new ModelsRepo(store);
    const meta = readModelMeta(fs.readFileSync(model), model);
    if (!meta) throw new Error('the tiny batch model has no metadata');
    models.register({ path: model, source: 'user', meta });
    models.setDefault(meta.id);

    const { summary } = await run({ inputs: [at('in')], outDir: at('out') });
    expect(summary.ok).toBe(1);
    const job = new JobsRepo(store).get(summary.job);
    if (!job) throw new Error('no job recorded');
    expect(readUpscaleJobParams(job).model.path).toBe(model);
  });

  it('records each bad file with its reason and upscales the good ones, in one batch', async () => {
    const good = await writePhotos(at('in'), 2);
    const bad = await writeBadFiles(at('in'));
    touchFile(at('in', '.hidden.png'));

    const { summary, events } = await run({ inputs: [at('in')], outDir: at('out'), model });

    const failedCodes = Object.fromEntries(summary.failed.map((f) => [path.basename(f.input), f.code]));
    // Every broken file the imaging layer knows, each with its own code (`missing` is not created).
    for (const [kind, code] of Object.entries(BROKEN_FILE_CODES)) {
      if (kind === 'missing') continue;
      expect(failedCodes[path.basename(bad[kind as keyof typeof bad])], kind).toBe(code);
    }
    expect(summary.failed.every((f) => f.error.includes(f.input))).toBe(true);
    // The good photos and every unusual-but-valid file were written; the 1×1 is upscaled to 2×2, not refused.
    const outputs = new Map(summary.outputs.map((o) => [path.basename(o.input), o]));
    for (const file of good) expect(fs.existsSync(outputs.get(path.basename(file))?.output ?? '')).toBe(true);
    expect(outputs.get('tiny-1x1.png')).toMatchObject({ width: 2, height: 2 });
    expect(await sharp(outputs.get('tiny-1x1.png')?.output).metadata()).toMatchObject({ width: 2, height: 2 });
    expect(summary.skipped).toEqual([{ input: at('in', '.hidden.png'), reason: 'hidden file' }]);
    expect(summary).toMatchObject({ status: 'done', remaining: 0, ok: summary.outputs.length });

    // The journal says the same, one row per input.
    const items = new JobsRepo(store).items(summary.job);
    expect(items.filter((i) => i.status === 'failed').map((i) => i.reason)).toEqual(summary.failed.map((f) => f.code));
    expect(new JobsRepo(store).get(summary.job)?.status).toBe('done');

    // Events: a start, one terminal event per item, progress snapshots ending at total, an end.
    expect(events[0]).toMatchObject({ type: 'job-start', jobId: summary.job, resumed: false, total: items.length });
    const terminal = events.filter((e) => e.type === 'item-done' || e.type === 'item-failed' || e.type === 'item-skipped');
    expect(terminal).toHaveLength(items.length);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ done: items.length, total: items.length, failed: summary.failed.length });
    expect(events.at(-1)).toEqual({ type: 'job-end', jobId: summary.job, status: 'done' });
    expect(listTree(at('out')).filter((f) => f.endsWith('.srs-tmp'))).toEqual([]);
  });

  it('never lets same-named inputs from different folders overwrite each other', async () => {
    const [a] = await writePhotos(at('a'), 1, { seed: 1 });
    const [b] = await writePhotos(at('b'), 1, { seed: 50 });
    fs.renameSync(b, path.join(path.dirname(b), path.basename(a))); // both are photo00.png now

    const { summary } = await run({ inputs: [at('b'), at('a')], outDir: at('out'), model });

    expect(summary.outputs.map((o) => [path.relative(dir, o.input), path.basename(o.output)])).toEqual([
      [path.join('a', 'photo00.png'), 'photo00_x2.png'],
      [path.join('b', 'photo00.png'), 'photo00_x2 (2).png'],
    ]);
    const tree = readTree(at('out'));
    expect(tree.size).toBe(2);
    expect(tree.get('photo00_x2.png')?.equals(tree.get('photo00_x2 (2).png') as Buffer)).toBe(false);
  });

  it('never writes over an input photo through an output folder that is a symlink to its folder, even with overwrite', async () => {
    const [photo] = await writePhotos(at('in_sym'), 1);
    const original = fs.readFileSync(photo);
    fs.symlinkSync(at('in_sym'), at('out_sym'));

    const { summary } = await run({ inputs: [at('in_sym')], outDir: at('out_sym'), model, nameTemplate: '{name}', existing: 'overwrite' });

    expect(summary).toMatchObject({ ok: 1, failed: [] });
    expect(summary.outputs.map((o) => o.output)).toEqual([at('out_sym', 'photo00 (2).png')]);
    expect(fs.readFileSync(photo).equals(original)).toBe(true);
    expect(listTree(at('in_sym'))).toEqual(['photo00 (2).png', 'photo00.png']);
  });

  it('into its own input folder, a second run does not upscale its earlier outputs and applies the policy to them', async () => {
    const [photo] = await writePhotos(at('s'), 1);
    const output = at('s', 'photo00_x2.png');
    const request = { inputs: [at('s')], outDir: at('s'), model };
    const first = await run(request);
    expect(first.summary.outputs.map((o) => o.output)).toEqual([output]);
    const written = fs.readFileSync(output);

    await expect(run(request)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: `1 output file already exists: ${output}` });

    const skipped = await run({ ...request, existing: 'skip' });
    expect(skipped.summary).toMatchObject({ ok: 0, failed: [] });
    expect(skipped.summary.skipped).toEqual([
      { input: photo, reason: expect.stringMatching(/already exists/) },
      { input: output, reason: expect.stringContaining(`an earlier output of ${photo}`) },
    ]);
    expect(fs.readFileSync(output).equals(written)).toBe(true);

    const redone = await run({ ...request, existing: 'overwrite' });
    expect(redone.summary.outputs.map((o) => [o.input, o.output])).toEqual([[photo, output]]);
    expect(listTree(at('s'))).toEqual(['photo00.png', 'photo00_x2.png']);
  });

  it('with --recursive mirrors the folders, and keeps the input format unless told otherwise', async () => {
    await writePhotos(at('in', 'trip', 'day1'), 1, { ext: 'jpg' });
    await writePhotos(at('in'), 1, { ext: 'gif' });
    const { summary } = await run({ inputs: [at('in')], outDir: at('out'), model, recursive: true, nameTemplate: '{name}-{model}' });
    expect(summary.failed).toEqual([]);
    expect(listTree(at('out'))).toEqual(['photo00-tiny-y-upsampled-same-x2.png', 'trip/day1/photo00-tiny-y-upsampled-same-x2.jpg']);
    expect((await sharp(at('out', 'trip', 'day1', 'photo00-tiny-y-upsampled-same-x2.jpg')).metadata()).format).toBe('jpeg');
  });

  it('refuses to start when outputs exist (nothing written, no job), and honours skip and overwrite', async () => {
    await writePhotos(at('in'), 2);
    const existing = touchFile(at('out', 'photo00_x2.png'), 'precious');

    const refused = await run({ inputs: [at('in')], outDir: at('out'), model }).catch((e: unknown) => e);
    expect(isSrError(refused) && refused.code).toBe('OUTPUT_EXISTS');
    expect(fs.readFileSync(existing, 'utf8')).toBe('precious');
    expect(listTree(at('out'))).toEqual(['photo00_x2.png']);
    expect(new JobsRepo(store).list({ kind: 'upscale' })).toEqual([]);

    const skipped = await run({ inputs: [at('in')], outDir: at('out'), model, existing: 'skip' });
    expect(skipped.summary.skipped).toEqual([{ input: at('in', 'photo00.png'), reason: expect.stringMatching(/already exists/) }]);
    expect(fs.readFileSync(existing, 'utf8')).toBe('precious');
    expect(skipped.summary.ok).toBe(1);

    const replaced = await run({ inputs: [at('in')], outDir: at('out'), model, existing: 'overwrite' });
    expect(replaced.summary.ok).toBe(2);
    expect((await sharp(existing).metadata()).width).toBe(80);
  });

  it('stops cleanly when aborted, and a resume finishes with outputs identical to an uninterrupted run', async () => {
    // Several tiles a photo: tiles go to the model a few at a time, with a check for a stop between them, so a stop
    // after the first photo is done always finds photos left. (With one tile a photo, a loaded machine could run all
    // five before the stop arrived.)
    await writePhotos(at('in'), 5, { width: 128, height: 128 });
    const reference = await run({ inputs: [at('in')], outDir: at('reference'), model, tile: 48 });
    expect(reference.summary.ok).toBe(5);

    const controller = new AbortController();
    const first = await run(
      { inputs: [at('in')], outDir: at('out'), model, tile: 48 },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'item-done') controller.abort();
        },
      },
    );
    // The pipeline finishes the files it had already upscaled when the stop came; the others wait for the resume.
    const { ok, remaining } = first.summary;
    expect(first.summary.status).toBe('interrupted');
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(remaining).toBeGreaterThanOrEqual(1);
    expect(ok + remaining).toBe(5);
    expect(new JobsRepo(store).items(first.summary.job, 'pending')).toHaveLength(remaining);
    // A leftover of a killed write, as a crash would leave it.
    const leftover = touchFile(at('out', '.photo03_x2.png.0badc0de.srs-tmp'), 'torn');

    const resumed = await run(undefined, { resume: 'latest' });
    expect(resumed.summary).toMatchObject({ job: first.summary.job, status: 'done', ok: 5, remaining: 0 });
    expect(resumed.events[0]).toMatchObject({ type: 'job-start', resumed: true, toDo: remaining, total: 5 });
    expect(fs.existsSync(leftover)).toBe(false);
    const out = readTree(at('out'));
    const ref = readTree(at('reference'));
    expect([...out.keys()]).toEqual([...ref.keys()]);
    for (const [name, bytes] of ref) expect(out.get(name)?.equals(bytes), name).toBe(true);

    // Nothing left to resume now.
    await expect(run(undefined, { resume: 'latest' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('aborted inside a file puts that file back to pending and leaves no temp file', async () => {
    // 160×160 → 320×320 output: several tiles, so there is a moment inside the file.
    await writePhotos(at('in'), 2, { width: 160, height: 160 });
    const controller = new AbortController();
    const { summary, events } = await run(
      { inputs: [at('in')], outDir: at('out'), model, tile: 64 },
      {
        signal: controller.signal,
        abortStatus: 'cancelled',
        progressIntervalMs: 0,
        onEvent: (e) => {
          if (e.type === 'progress' && e.currentFraction > 0 && e.currentFraction < 1) controller.abort();
        },
      },
    );
    expect(events.some((e) => e.type === 'progress' && e.currentFraction > 0)).toBe(true);
    expect(summary).toMatchObject({ status: 'cancelled', ok: 0, remaining: 2, failed: [] });
    expect(listTree(at('out'))).toEqual([]);
    expect(new JobsRepo(store).get(summary.job)?.status).toBe('cancelled');
  });

  it('a batch that cannot start (a missing input, no images) leaves no output folder behind', async () => {
    touchFile(at('in', 'notes.txt'), 'not a photo');
    await expect(run({ inputs: [at('missing.jpg')], outDir: at('out', 'a'), model })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run({ inputs: [at('in')], outDir: at('out', 'b'), model })).rejects.toMatchObject({ code: 'NO_IMAGES' });
    expect(fs.existsSync(at('out'))).toBe(false);
    expect(new JobsRepo(store).list().length).toBe(0);
  });

  it('refuses a resume of a finished job and of a job still running in a live process', async () => {
    await writePhotos(at('in'), 1);
    const { summary } = await run({ inputs: [at('in')], outDir: at('out'), model });
    await expect(run(undefined, { resume: summary.job })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/already finished/),
    });

    // Owned by a live process that is not us (pid 1 always exists).
    const jobs = new JobsRepo(store);
    const other = jobs.create('upscale', {});
    store.db.prepare("UPDATE jobs SET status = 'running', owner_pid = 1 WHERE id = ?").run(other.id);
    for (const resume of [other.id, 'latest'] as const) {
      await expect(run(undefined, { resume })).rejects.toMatchObject({
        code: 'BAD_ARGUMENT',
        message: `Upscale job ${other.id} is already being run by process 1`,
      });
    }
    expect(jobs.get(other.id)).toMatchObject({ status: 'running', ownerPid: 1 });
  });

  it('resumes a job whose process died while it was running (no start-up clean-up needed)', async () => {
    await writePhotos(at('in'), 3);
    const jobId = await runInterruptedBatch(store, { inputs: [at('in')], outDir: at('out'), model });
    const jobs = new JobsRepo(store);
    // What a kill -9 leaves: the job 'running' under a pid that is gone (above pid_max), its next file 'running'.
    const [, second] = jobs.items(jobId);
    jobs.markItem(second.id, 'running');
    store.db.prepare("UPDATE jobs SET status = 'running', owner_pid = ? WHERE id = ?").run(2 ** 22 + 12345, jobId);

    const resumed = await run(undefined, { resume: jobId });
    expect(resumed.summary).toMatchObject({ job: jobId, status: 'done', ok: 3, remaining: 0 });
    expect(resumed.events[0]).toMatchObject({ type: 'job-start', resumed: true, toDo: 2, total: 3 });
    expect(jobs.get(jobId)).toMatchObject({ status: 'done', ownerPid: null });
    expect(listTree(at('out'))).toHaveLength(3);
  });

  it('a new batch is journaled already claimed: it is never seen queued by another process', async () => {
    await writePhotos(at('in'), 1);
    const seen: (string | undefined)[] = [];
    const { summary } = await run(
      { inputs: [at('in')], outDir: at('out'), model },
      {
        onEvent: (e) => {
          if (e.type === 'job-start') seen.push(new JobsRepo(store).get(e.jobId)?.status);
        },
      },
    );
    expect(seen).toEqual(['running']);
    expect(new JobsRepo(store).get(summary.job)?.status).toBe('done');
  });

  it('explains an empty batch and a missing input instead of creating a job', async () => {
    touchFile(at('in', 'notes.txt'));
    await expect(run({ inputs: [at('in')], outDir: at('out'), model })).rejects.toMatchObject({
      code: 'NO_IMAGES',
      message: expect.stringMatching(/not an image/),
    });
    await expect(run({ inputs: [at('nope.jpg')], outDir: at('out'), model })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(run({ inputs: [at('in')], outDir: at('out'), model, nameTemplate: '{nam}' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    expect(new JobsRepo(store).list()).toEqual([]);
  });
});
