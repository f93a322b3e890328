import type { Migration } from './types.ts';

/** Batch jobs with their per-file journal, and training runs with metrics and checkpoints. */
export const migration001: Migration = {
  version: 1,
  name: 'jobs-and-runs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('upscale', 'train', 'eval')),
        status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted', 'cancelled')),
        params     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        error      TEXT,
        owner_pid  INTEGER
      );
      CREATE INDEX jobs_by_kind ON jobs (kind, id);

      CREATE TABLE job_items (
        id      INTEGER PRIMARY KEY,
        job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        input   TEXT NOT NULL,
        output  TEXT,
        status  TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
        error   TEXT,
        reason  TEXT,
        width   INTEGER,
        height  INTEGER,
        seconds REAL,
        UNIQUE (job_id, seq)
      );
      CREATE INDEX job_items_by_status ON job_items (job_id, status);

      CREATE TABLE runs (
        id         INTEGER PRIMARY KEY,
        arch       TEXT NOT NULL,
        scale      INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'interrupted', 'cancelled')),
        config     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        error      TEXT,
        model_path TEXT,
        best_step  INTEGER,
        best_psnr  REAL,
        best_ssim  REAL,
        owner_pid  INTEGER
      );

      -- value is nullable because a diverging run can log NaN, which SQLite stores as NULL.
      CREATE TABLE run_metrics (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step   INTEGER NOT NULL,
        kind   TEXT NOT NULL,
        name   TEXT NOT NULL,
        value  REAL
      );
      CREATE INDEX run_metrics_by_step ON run_metrics (run_id, step);

      CREATE TABLE checkpoints (
        run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step       INTEGER NOT NULL,
        path       TEXT NOT NULL,
        val_psnr   REAL,
        val_ssim   REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
      );
    `);
  },
};
