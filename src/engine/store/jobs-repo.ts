import { SrError } from '../errors.ts';
import { isOtherProcessAlive, nowIso } from './clock.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Store } from './store.ts';

export type JobKind = 'upscale' | 'train' | 'eval';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted' | 'cancelled';
export type ItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface JobRecord {
  id: number;
  kind: JobKind;
  status: JobStatus;
  params: unknown;
  createdAt: string;
  updatedAt: string;
  error: string | null;
  /** The process that runs (or ran, until it died) the job; set while 'running', null otherwise. */
  ownerPid: number | null;
}

/** The outcome of `JobsRepo.claim`: the job as it now is, ours to run, or as another process (or its status) keeps it. */
export type JobClaim = { claimed: true; job: JobRecord } | { claimed: false; job: JobRecord };

export interface JobItemRecord {
  id: number;
  jobId: number;
  seq: number;
  input: string;
  output: string | null;
  status: ItemStatus;
  error: string | null;
  reason: string | null;
  width: number | null;
  height: number | null;
  seconds: number | null;
}

interface JobRow {
  id: number;
  kind: JobKind;
  status: JobStatus;
  params: string;
  created_at: string;
  updated_at: string;
  error: string | null;
  owner_pid: number | null;
}

interface JobItemRow {
  id: number;
  job_id: number;
  seq: number;
  input: string;
  output: string | null;
  status: ItemStatus;
  error: string | null;
  reason: string | null;
  width: number | null;
  height: number | null;
  seconds: number | null;
}

/**
 * The batch journal: one row per job and one per input file, so a batch killed half-way resumes at the first
 * file not marked done. Each call is its own transaction (or one for `addItems`), so a kill never leaves half a write.
 */
export class JobsRepo {
  constructor(private readonly store: Store) {}

  create(kind: JobKind, params: unknown): JobRecord {
    const now = nowIso();
    const info = this.store.db
      .prepare('INSERT INTO jobs (kind, status, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(kind, 'queued', toJsonText(params), now, now);
    return this.require(Number(info.lastInsertRowid));
  }

  get(id: number): JobRecord | undefined {
    const row = this.store.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  /** Newest first. */
  list(opts: { kind?: JobKind; limit?: number } = {}): JobRecord[] {
    const limit = opts.limit ?? -1;
    const rows = (
      opts.kind
        ? this.store.db.prepare('SELECT * FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT ?').all(opts.kind, limit)
        : this.store.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit)
    ) as JobRow[];
    return rows.map(toJob);
  }

  /** 'running' records this process as the owner, so another process starting up will not mark it interrupted. */
  setStatus(id: number, status: JobStatus, error: string | null = null): void {
    const info = this.store.db
      .prepare('UPDATE jobs SET status = ?, error = ?, updated_at = ?, owner_pid = ? WHERE id = ?')
      .run(status, error, nowIso(), status === 'running' ? process.pid : null, id);
    if (info.changes === 0) throw unknownJob(id);
  }

  /**
   * Makes this process the one that runs a job, atomically, so that of two processes resuming the same job at the
   * same moment exactly one wins. The job is taken when its status is one of `from`, or when it is 'running' but
   * its owner is dead (a crash, kill -9: its 'running' items go back to 'pending'). A job running in another live
   * process, or in any other status, is left as it is and returned unclaimed for the caller to explain.
   *
   * One IMMEDIATE transaction: the write lock is taken before the read, so no other process can claim between our
   * check and our update; the update still repeats the check in its WHERE clause and must change exactly one row.
   */
  claim(id: number, from: readonly JobStatus[]): JobClaim {
    const db = this.store.db;
    return db
      .transaction((): JobClaim => {
        const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
        if (!row) throw unknownJob(id);
        // A live owner always keeps its job, whatever `from` says.
        if (row.status === 'running' && isOtherProcessAlive(row.owner_pid)) return { claimed: false, job: toJob(row) };
        const orphaned = row.status === 'running';
        if (!orphaned && !from.includes(row.status)) return { claimed: false, job: toJob(row) };
        const info = db
          .prepare(
            "UPDATE jobs SET status = 'running', owner_pid = ?, error = NULL, updated_at = ? WHERE id = ? AND status = ? AND owner_pid IS ?",
          )
          .run(process.pid, nowIso(), id, row.status, row.owner_pid);
        if (info.changes !== 1) throw new SrError('INTERNAL', `Job ${id} changed while it was being claimed`, 'Try again.');
        if (orphaned) db.prepare("UPDATE job_items SET status = 'pending' WHERE job_id = ? AND status = 'running'").run(id);
        return { claimed: true, job: this.require(id) };
      })
      .immediate();
  }

  /**
   * Runs `work` as one IMMEDIATE transaction (repository calls inside it become savepoints), so other processes see
   * all of it or none of it: e.g. a job with all its items, already claimed, never a half-written one.
   */
  atomically<T>(work: () => T): T {
    return this.store.db.transaction(work).immediate();
  }

  addItems(jobId: number, items: { input: string; output: string | null; status?: ItemStatus; reason?: string | null }[]): void {
    const db = this.store.db;
    const insert = db.prepare('INSERT INTO job_items (job_id, seq, input, output, status, reason) VALUES (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      if (!db.prepare('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) throw unknownJob(jobId);
      const last = db.prepare('SELECT COALESCE(MAX(seq), -1) AS seq FROM job_items WHERE job_id = ?').get(jobId) as { seq: number };
      let seq = last.seq;
      for (const item of items) {
        seq += 1;
        insert.run(jobId, seq, item.input, item.output, item.status ?? 'pending', item.reason ?? null);
      }
      touch(this.store, jobId);
    }).immediate();
  }

  /** In input order. */
  items(jobId: number, status?: ItemStatus): JobItemRecord[] {
    const rows = (
      status
        ? this.store.db.prepare('SELECT * FROM job_items WHERE job_id = ? AND status = ? ORDER BY seq').all(jobId, status)
        : this.store.db.prepare('SELECT * FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId)
    ) as JobItemRow[];
    return rows.map(toItem);
  }

  /** Fields left out of `info` keep their value. */
  markItem(
    itemId: number,
    status: ItemStatus,
    info: { error?: string | null; reason?: string | null; width?: number; height?: number; seconds?: number } = {},
  ): void {
    const db = this.store.db;
    db.transaction(() => {
      const row = db.prepare('SELECT job_id FROM job_items WHERE id = ?').get(itemId) as { job_id: number } | undefined;
      if (!row) throw new SrError('NOT_FOUND', `No job item with id ${itemId}`, 'The job may have been deleted.');
      db.prepare(
        `UPDATE job_items SET status = @status,
           error   = CASE WHEN @hasError  THEN @error  ELSE error  END,
           reason  = CASE WHEN @hasReason THEN @reason ELSE reason END,
           width   = COALESCE(@width, width),
           height  = COALESCE(@height, height),
           seconds = COALESCE(@seconds, seconds)
         WHERE id = @id`,
      ).run({
        status,
        id: itemId,
        hasError: info.error !== undefined ? 1 : 0,
        error: info.error ?? null,
        hasReason: info.reason !== undefined ? 1 : 0,
        reason: info.reason ?? null,
        width: info.width ?? null,
        height: info.height ?? null,
        seconds: info.seconds ?? null,
      });
      touch(this.store, row.job_id);
    }).immediate();
  }

  /**
   * At start-up: jobs left 'running' by a crashed process become 'interrupted', and their 'running' items go
   * back to 'pending' so a resume redoes them. Jobs owned by another live process are left alone.
   * Returns how many jobs were marked.
   */
  markRunningAsInterrupted(): number {
    const db = this.store.db;
    return db
      .transaction(() => {
        const running = db.prepare("SELECT id, owner_pid FROM jobs WHERE status = 'running'").all() as {
          id: number;
          owner_pid: number | null;
        }[];
        const stale = running.filter((job) => !isOtherProcessAlive(job.owner_pid));
        const now = nowIso();
        for (const job of stale) {
          db.prepare("UPDATE job_items SET status = 'pending' WHERE job_id = ? AND status = 'running'").run(job.id);
          db.prepare("UPDATE jobs SET status = 'interrupted', owner_pid = NULL, updated_at = ? WHERE id = ?").run(now, job.id);
        }
        return stale.length;
      })
      .immediate();
  }

  private require(id: number): JobRecord {
    const job = this.get(id);
    if (!job) throw unknownJob(id);
    return job;
  }
}

function touch(store: Store, jobId: number): void {
  store.db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(nowIso(), jobId);
}

function unknownJob(id: number): SrError {
  return new SrError('NOT_FOUND', `No job with id ${id}`, 'List jobs to see which ids exist.');
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    params: fromJsonText(row.params),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    error: row.error,
    ownerPid: row.owner_pid,
  };
}

function toItem(row: JobItemRow): JobItemRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    seq: row.seq,
    input: row.input,
    output: row.output,
    status: row.status,
    error: row.error,
    reason: row.reason,
    width: row.width,
    height: row.height,
    seconds: row.seconds,
  };
}
