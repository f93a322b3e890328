import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { BROKEN_FILE_CODES, FILE_NAMES, writeBadFiles } from '../helpers/imaging-bad-files.ts';
import { readTree, writeBatchModel, writePhotos } from '../helpers/jobs-batch.ts';
import { readJournal, runCli, startCli, waitForJournal } from '../helpers/jobs-cli.ts';
import { listTree, makeJobsTempDir, touchFile } from '../helpers/jobs-fs.ts';
import { NOBODY, nobodySkipNote, nobodyUnavailable } from '../helpers/nobody.ts';
import { fullDiskSkipNote, fullDiskUnavailable, withFullDisk, withReadOnlyDisk } from '../helpers/private-tmpfs.ts';

/** Each test starts 1-3 CLI processes (tsx + ORT start-up), slow on a busy 2-core machine. */
const CLI_TIMEOUT = 180_000;

let tmp: { dir: string; cleanup(): void };
let shared: { dir: string; cleanup(): void };
let model: string;

beforeAll(async () => {
  shared = makeJobsTempDir('srstudio-upscale-model-');
  model = await writeBatchModel(shared.dir);
  return () => shared.cleanup();
});
beforeEach(() => {
  tmp = makeJobsTempDir('srstudio-upscale-cli-');
});
afterEach(() => tmp.cleanup());

const at = (...parts: string[]) => path.join(tmp.dir, ...parts);
const tempFiles = (dir: string) => listTree(dir).filter((f) => f.endsWith('.srs-tmp'));

describe('srstudio upscale (real CLI, child processes)', () => {
  it.skipIf(nobodyUnavailable)(
    `records every bad input with its reason while the others succeed, run as an unprivileged user${nobodySkipNote}`,
    async () => {
      await writePhotos(at('in'), 2);
      fs.mkdirSync(at('in', 'bad'), { recursive: true });
      await writeBadFiles(at('in', 'bad'));
      // Unreadable for uid 65534 (root could read it anyway, hence the child runs as nobody).
      const [secret] = await writePhotos(at('in'), 1, { prefix: 'secret' });
      fs.chmodSync(secret, 0o600);
      // An output folder nobody may write to: the input in in/locked maps to out/locked.
      await writePhotos(at('in', 'locked'), 1, { prefix: 'locked' });
      fs.mkdirSync(at('out', 'locked'), { recursive: true });
      fs.mkdirSync(at('state'));
      fs.chownSync(at('out'), NOBODY, NOBODY);
      fs.chownSync(at('state'), NOBODY, NOBODY);

      const result = await runCli(
        ['upscale', at('in'), '-o', at('out'), '--recursive', '--model', model, '--state', at('state'), '--json'],
        {
          uid: NOBODY,
          env: { HOME: tmp.dir },
        },
      );

      expect(result.code, result.stderr).toBe(1);
      const doc = JSON.parse(result.stdout); // exactly one document, nothing else on stdout
      expect(Object.keys(doc)).toEqual(expect.arrayContaining(['job', 'ok', 'failed', 'skipped', 'outputs', 'seconds']));
      const codes = Object.fromEntries(doc.failed.map((f: { input: string; code: string }) => [path.relative(tmp.dir, f.input), f.code]));
      const expected: Record<string, string> = {
        [path.join('in', 'secret00.png')]: 'NOT_READABLE',
        [path.join('in', 'locked', 'locked00.png')]: 'NOT_WRITABLE',
      };
      for (const [kind, code] of Object.entries(BROKEN_FILE_CODES)) {
        if (kind !== 'missing') expected[path.join('in', 'bad', FILE_NAMES[kind as keyof typeof FILE_NAMES])] = code;
      }
      expect(codes).toEqual(expected);
      // Each message names the file at fault: the input, or for the locked folder the output it could not write.
      for (const f of doc.failed) expect(f.error).toContain(f.code === 'NOT_WRITABLE' ? at('out', 'locked', 'locked00_x2.png') : f.input);

      const written = doc.outputs.map((o: { output: string }) => path.relative(at('out'), o.output));
      expect(written).toEqual(expect.arrayContaining(['photo00_x2.png', 'photo01_x2.png', path.join('bad', 'tiny-1x1_x2.png')]));
      for (const o of doc.outputs) expect(fs.statSync(o.output).size).toBeGreaterThan(0);
      expect(doc.ok).toBe(doc.outputs.length);
      expect(listTree(at('out', 'locked'))).toEqual([]);
      expect(tempFiles(at('out'))).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it(
    'after kill -9 in the middle of a pipelined batch (files in several stages), --resume finishes with outputs byte-identical to one file at a time',
    async () => {
      await writePhotos(at('in'), 10, { width: 200, height: 160 });
      await writePhotos(at('in', 'jpeg'), 2, { ext: 'jpg', width: 200, height: 160, seed: 40 });
      const common = ['--recursive', '--model', model, '--json'];

      // The uninterrupted run, one file at a time, in-process through the same engine entry point the CLI uses.
      const refStore = openStore(at('state-ref'));
      try {
        const reference = await runUpscaleJob({
          store: refStore,
          request: { inputs: [at('in')], outDir: at('reference'), recursive: true, model },
          pipeline: 'off',
        });
        expect(reference).toMatchObject({ status: 'done', ok: 12 });
      } finally {
        refStore.close();
      }

      const { child, done } = startCli(['upscale', at('in'), '-o', at('out'), '--state', at('state'), '--pipeline', 'on', ...common]);
      // Killed while one file is written and at least two more are in the pipeline.
      const atKill = await waitForJournal(
        at('state'),
        (s) => s.items.some((i) => i.status === 'done') && s.items.filter((i) => i.status === 'running').length >= 2,
      );
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      // The kill really landed mid-batch, and the journal shows it.
      const afterKill = readJournal(at('state'));
      expect(afterKill.job?.status).toBe('running');
      expect(afterKill.items.filter((i) => i.status === 'done').length).toBeLessThan(afterKill.items.length);
      expect(atKill.items).toHaveLength(12);
      // What a kill during an encode leaves: a hidden temp file next to the outputs.
      touchFile(at('out', 'jpeg', '.photo00_x2.jpg.5eed5eed.srs-tmp'), 'torn write');

      const resumed = await runCli(['upscale', '--resume', '--state', at('state'), '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const doc = JSON.parse(resumed.stdout);
      expect(doc).toMatchObject({ job: afterKill.job?.id, status: 'done', ok: 12, failed: [] });

      const ref = readTree(at('reference'));
      const out = readTree(at('out'));
      expect([...out.keys()]).toEqual([...ref.keys()]);
      for (const [name, bytes] of ref) expect(out.get(name)?.equals(bytes), name).toBe(true);
      expect(tempFiles(at('out'))).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it(
    'Ctrl-C stops cleanly: exit 130, job interrupted, says how to resume; the recalled command line with --resume completes it, a different one says what differs',
    async () => {
      await writePhotos(at('in'), 10, { width: 120, height: 96 });
      const original = ['upscale', at('in'), '-o', at('out'), '--model', model, '--state', at('state')];
      const { child, done } = startCli(original);
      await waitForJournal(at('state'), (s) => s.items.some((i) => i.status === 'done'));
      child.kill('SIGINT');
      const stopped = await done;

      expect(stopped.code, stopped.stderr).toBe(130);
      const journal = readJournal(at('state'));
      expect(journal.job?.status).toBe('interrupted');
      const left = journal.items.filter((i) => i.status !== 'done');
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((i) => i.status === 'pending')).toBe(true);
      expect(stopped.stdout).toContain(`srstudio upscale --resume ${journal.job?.id} --state`);
      expect(tempFiles(at('out'))).toEqual([]);
      // Only finished files are in the output folder.
      expect(listTree(at('out'))).toHaveLength(10 - left.length);

      // Up-arrow, another output folder, --resume appended: refused, naming the setting that differs; nothing written.
      const elsewhere = [...original.slice(0, 2), '-o', at('elsewhere'), ...original.slice(4)];
      const mismatch = await runCli([...elsewhere, '--scale', '3', '--resume']);
      expect(mismatch.code).toBe(2);
      expect(mismatch.stderr).toContain(`does not match upscale job ${journal.job?.id}`);
      expect(mismatch.stderr).toContain(`--out: the batch has ${at('out')}, this command line ${at('elsewhere')}`);
      expect(mismatch.stderr).toContain('--scale: the batch has none, this command line 3');
      expect(mismatch.stderr).not.toContain('--model');
      expect(fs.existsSync(at('elsewhere'))).toBe(false);
      expect(readJournal(at('state')).job?.status).toBe('interrupted');

      // Up-arrow, --resume appended to the same command line: it continues the batch.
      const resumed = await runCli([...original, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(new RegExp(`Job ${journal.job?.id}: 10 upscaled, 0 failed, 0 skipped`));
      expect(listTree(at('out'))).toHaveLength(10);
    },
    CLI_TIMEOUT,
  );

  it(
    'a second Ctrl-C quits at once, whatever the inference worker is doing: ended by the signal (130 in a shell), never an abort in ONNX Runtime, and the batch resumes',
    async () => {
      await writePhotos(at('in'), 3, { width: 900, height: 700 });
      const args = ['upscale', at('in'), '-o', at('out'), '--state', at('state')];
      // From the moment the job exists, the worker is opening the model, warming it up, then running tiles: the second
      // signal lands in each of these in turn.
      for (const afterMs of [0, 150, 300, 450]) {
        const { child, done } = startCli(args);
        await waitForJournal(at('state'), (s) => s.job?.status === 'running');
        await new Promise((resolve) => setTimeout(resolve, afterMs));
        child.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGINT');
        const quit = await done;
        const how = `second Ctrl-C ${afterMs} ms into the job: ${quit.stderr}`;
        expect(quit.stderr, how).not.toContain('terminate called');
        // Ended by SIGINT itself, or with 130 where the first Ctrl-C had already stopped the batch.
        expect(quit.signal === 'SIGINT' || quit.code === 130, how).toBe(true);
        expect(readJournal(at('state')).job?.status, how).toBe('interrupted');
        const resumed = await runCli([...args, '--resume']);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(tempFiles(at('out'))).toEqual([]);
        expect(listTree(at('out'))).toHaveLength(3);
        fs.rmSync(at('out'), { recursive: true, force: true });
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'says clearly that there is no default model yet (exit 2, no job, nothing written)',
    async () => {
      await writePhotos(at('in'), 1);
      fs.mkdirSync(at('no-resources', 'models'), { recursive: true });
      const noModel = await runCli(['upscale', at('in'), '-o', at('out'), '--state', at('state')], {
        env: { SRSTUDIO_RESOURCES: at('no-resources') },
      });
      expect(noModel.code).toBe(2);
      expect(noModel.stderr).toMatch(/No built-in ×2 model is installed/);
      expect(noModel.stderr).toMatch(/--model/);

      expect(readJournal(at('state')).job).toBeUndefined();
      expect(listTree(at('out'))).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it(
    '--max-pixels sets the pixel limit: a photo above it is TOO_LARGE, one below it is upscaled',
    async () => {
      await writePhotos(at('in'), 1, { prefix: 'small', width: 40, height: 20 }); // 800 pixels
      await writePhotos(at('in'), 1, { prefix: 'large', width: 64, height: 48 }); // 3072 pixels
      const result = await runCli([
        'upscale',
        at('in'),
        '-o',
        at('out'),
        '--model',
        model,
        '--state',
        at('state'),
        '--max-pixels',
        '1000',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(1);
      const doc = JSON.parse(result.stdout);
      expect(doc.ok).toBe(1);
      expect(doc.failed).toEqual([expect.objectContaining({ input: at('in', 'large00.png'), code: 'TOO_LARGE' })]);
      expect(doc.failed[0].error).toContain('1000 pixels');
    },
    CLI_TIMEOUT,
  );

  it.skipIf(fullDiskUnavailable)(
    `refuses a read-only output folder before upscaling anything: exit 2, the folder named, no job${fullDiskSkipNote}`,
    async () => {
      await writePhotos(at('in'), 2);
      fs.mkdirSync(at('out'));
      // The existing folder itself, and one to be made inside it: both on the child's read-only tmpfs.
      for (const out of [at('out'), at('out', 'new')]) {
        const result = await runCli(['upscale', at('in'), '-o', out, '--model', model, '--state', at('state')], {
          wrapper: withReadOnlyDisk(at('out')),
        });
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toContain(`Cannot write ${out}: it is on a read-only file system`);
        expect(result.stderr).not.toMatch(/No such file|srs-tmp/);
        expect(readJournal(at('state')).job).toBeUndefined();
      }
    },
    CLI_TIMEOUT,
  );

  it.skipIf(fullDiskUnavailable)(
    `stops when the disk fills up while the pipeline writes (a real 1 MiB tmpfs), keeps the job resumable, and a resume with space finishes it byte-identical to one file at a time${fullDiskSkipNote}`,
    async () => {
      await writePhotos(at('in'), 8, { width: 200, height: 200 });
      fs.mkdirSync(at('out'));
      const full = await runCli(['upscale', at('in'), '-o', at('out'), '--model', model, '--state', at('state'), '--pipeline', 'on'], {
        wrapper: withFullDisk(at('out'), '1m'),
      });

      expect(full.code, full.stderr).toBe(1);
      expect(full.stdout).toMatch(/disk is full/);
      expect(full.stdout).toMatch(/Interrupted with \d+ file\(s\) left\. Resume with:/);
      const journal = readJournal(at('state'));
      expect(journal.job?.status).toBe('interrupted');
      // The file that hit the full disk is not "failed": it waits for the resume like the rest.
      expect(journal.items.some((i) => i.status === 'failed')).toBe(false);
      expect(journal.items.filter((i) => i.status === 'pending').length).toBeGreaterThan(0);

      // Outside the namespace the output folder is the real, roomy one again: "free space, then resume".
      // (In-process, through the engine entry point the CLI uses: one child process less.)
      const store = openStore(at('state'));
      try {
        expect(await runUpscaleJob({ store, resume: 'latest' })).toMatchObject({ status: 'done', failed: [], remaining: 0 });
        const reference = await runUpscaleJob({ store, request: { inputs: [at('in')], outDir: at('reference'), model }, pipeline: 'off' });
        expect(reference).toMatchObject({ status: 'done', ok: 8 });
      } finally {
        store.close();
      }
      const pending = journal.items.filter((i) => i.status === 'pending').map((i) => path.basename(i.output ?? ''));
      expect(listTree(at('out'))).toEqual(expect.arrayContaining(pending));
      // The files the resume wrote are the files a sequential run writes. (Those written before the disk filled up
      // went with the tmpfs, which existed only for the child.)
      const ref = readTree(at('reference'));
      const out = readTree(at('out'));
      expect(out.size).toBe(pending.length);
      for (const [name, bytes] of out) expect(ref.get(name)?.equals(bytes), name).toBe(true);
    },
    CLI_TIMEOUT,
  );
});
