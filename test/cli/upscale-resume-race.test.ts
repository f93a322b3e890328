import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openStore } from '../../src/engine/store/store.ts';
import { readTree, writeBatchModel, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli, startCli } from '../helpers/jobs-cli.ts';
import { makeJobsTempDir, touchFile } from '../helpers/jobs-fs.ts';
import { runInterruptedBatch } from '../helpers/jobs-interrupted.ts';

/** Two CLI processes (tsx + ORT start-up) on a busy 2-core machine. */
const CLI_TIMEOUT = 180_000;
const PHOTOS = 12;

let tmp: { dir: string; cleanup(): void };
beforeEach(() => {
  tmp = makeJobsTempDir('srstudio-upscale-race-');
});
afterEach(() => tmp.cleanup());
const at = (...parts: string[]) => path.join(tmp.dir, ...parts);

/** A batch stopped after its first file, as Ctrl-C leaves it: 'interrupted', the rest pending. Returns its id. */
async function interruptedBatch(): Promise<number> {
  const model = await writeBatchModel(at('model'));
  await writePhotos(at('in'), PHOTOS, { width: 160, height: 128 });
  const store = openStore(at('state'));
  try {
    return await runInterruptedBatch(store, { inputs: [at('in')], outDir: at('out'), model });
  } finally {
    store.close();
  }
}

function readJob(jobId: number): { status: string; ownerPid: number | null; done: number } | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(at('state', DB_FILE_NAME), { readonly: true, fileMustExist: true });
    const job = db.prepare('SELECT status, owner_pid AS ownerPid FROM jobs WHERE id = ?').get(jobId) as
      | { status: string; ownerPid: number | null }
      | undefined;
    const { done } = db.prepare("SELECT COUNT(*) AS done FROM job_items WHERE job_id = ? AND status = 'done'").get(jobId) as {
      done: number;
    };
    return job && { ...job, done };
  } finally {
    db?.close();
  }
}

async function waitForJob(jobId: number, ready: (job: NonNullable<ReturnType<typeof readJob>>) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = readJob(jobId);
    if (job && ready(job)) return;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach the expected state: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * SIGSTOPs `child` at a moment it holds no write lock on the store (else everyone else would wait on it and fail
 * with "database is locked"): stop, try to take the lock ourselves, and if that fails let it run a moment and retry.
 */
async function freezeOutsideTransaction(child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    child.kill('SIGSTOP');
    const db = new Database(at('state', DB_FILE_NAME), { timeout: 200 });
    try {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      return;
    } catch {
      child.kill('SIGCONT');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      db.close();
    }
  }
  throw new Error('could not pause the winner outside a store transaction');
}

describe('srstudio upscale --resume, with another process already resuming the same batch', () => {
  it(
    'the second exits 2, names the process that runs the batch, and touches no file; the first finishes it',
    async () => {
      const jobId = await interruptedBatch();
      const first = startCli(['upscale', '--resume', String(jobId), '--state', at('state'), '--json']);
      const firstPid = first.child.pid as number;
      // It claimed the job and is writing outputs.
      await waitForJob(jobId, (job) => job.ownerPid === firstPid && job.done >= 2);
      await freezeOutsideTransaction(first.child);
      try {
        expect(readJob(jobId)).toMatchObject({ status: 'running', ownerPid: firstPid });
        expect(readJob(jobId)?.done).toBeLessThan(PHOTOS);
        // A temp file like the ones a resume cleans up: the loser must not clean anything.
        touchFile(at('out', '.photo09_x2.png.0badc0de.srs-tmp'), 'not yours');
        const before = readTree(at('out'));

        for (const resume of [String(jobId), undefined]) {
          const second = await runCli(['upscale', '--resume', ...(resume ? [resume] : []), '--state', at('state'), '--json']);
          expect(second.code, second.stderr).toBe(2);
          expect(second.stderr).toContain(`Upscale job ${jobId} is already being run by process ${firstPid}`);
          expect(second.stdout).toBe('');
        }

        const after = readTree(at('out'));
        expect([...after.keys()]).toEqual([...before.keys()]);
        for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
        expect(readJob(jobId)).toMatchObject({ status: 'running', ownerPid: firstPid });
      } finally {
        first.child.kill('SIGCONT');
      }

      const finished = await first.done;
      expect(finished.code, finished.stderr).toBe(0);
      expect(JSON.parse(finished.stdout)).toMatchObject({ job: jobId, status: 'done', ok: PHOTOS, failed: [] });
      expect(readJob(jobId)).toMatchObject({ status: 'done', ownerPid: null, done: PHOTOS });
      expect(fs.existsSync(at('out', '.photo09_x2.png.0badc0de.srs-tmp'))).toBe(true);
    },
    CLI_TIMEOUT,
  );
});
