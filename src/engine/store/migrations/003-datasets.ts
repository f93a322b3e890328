import type { Migration } from './types.ts';

/**
 * Datasets reference photos where they are (never copied). Images are unique per dataset by content hash;
 * `missing` flags a photo whose file vanished (kept, so a rescan can heal it); `excluded` marks a photo the user
 * removed, kept so that rescanning its folder does not bring it back. `status` is 'importing' while an
 * import writes batches, so a killed import is visible and resumable.
 */
export const migration003: Migration = {
  version: 3,
  name: 'datasets',
  up(db) {
    db.exec(`
      CREATE TABLE datasets (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        patch_size INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('importing', 'ready', 'interrupted')),
        owner_pid  INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE dataset_roots (
        id         INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
        path       TEXT NOT NULL,
        recursive  INTEGER NOT NULL DEFAULT 1,
        UNIQUE (dataset_id, path)
      );

      CREATE TABLE dataset_images (
        id           INTEGER PRIMARY KEY,
        dataset_id   INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
        path         TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        bytes        INTEGER NOT NULL,
        mtime_ms     REAL NOT NULL,
        width        INTEGER NOT NULL,
        height       INTEGER NOT NULL,
        format       TEXT NOT NULL,
        camera_model TEXT,
        icc_name     TEXT,
        split        TEXT CHECK (split IN ('train', 'val')),
        missing      INTEGER NOT NULL DEFAULT 0,
        excluded     INTEGER NOT NULL DEFAULT 0,
        added_at     TEXT NOT NULL,
        UNIQUE (dataset_id, sha256)
      );
      CREATE INDEX dataset_images_by_path ON dataset_images (dataset_id, path);

      -- Files the last import or rescan could not use, each with a reason a person can read.
      CREATE TABLE dataset_skips (
        dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
        path       TEXT NOT NULL,
        code       TEXT NOT NULL,
        reason     TEXT NOT NULL,
        PRIMARY KEY (dataset_id, path)
      );
    `);
  },
};
