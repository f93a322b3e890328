import type { Migration } from './types.ts';

/**
 * Scores of evaluation jobs: one row per method × data folder × scale, with the per-image scores as JSON, so the
 * Metrics dashboard can show models against interpolation baselines without re-running anything. `psnr` is NULL
 * when a reconstruction was exact (infinite PSNR). Rows outlive their job (`ON DELETE SET NULL`).
 */
export const migration004: Migration = {
  version: 4,
  name: 'evaluations',
  up(db) {
    db.exec(`
      CREATE TABLE evaluations (
        id         INTEGER PRIMARY KEY,
        job_id     INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
        method     TEXT NOT NULL,
        data       TEXT NOT NULL,
        data_name  TEXT NOT NULL,
        scale      INTEGER NOT NULL,
        psnr       REAL,
        ssim       REAL NOT NULL,
        per_image  TEXT NOT NULL,
        seconds    REAL NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX evaluations_by_key ON evaluations (method, data, scale, id);
      CREATE INDEX evaluations_by_job ON evaluations (job_id, id);
    `);
  },
};
