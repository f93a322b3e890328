import type { Migration } from './types.ts';

/** Registered models. `is_default` is unique per scale (partial unique index), so there is never more than one default. */
export const migration002: Migration = {
  version: 2,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id         TEXT PRIMARY KEY,
        path       TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('builtin', 'user', 'trained')),
        scale      INTEGER NOT NULL,
        meta       TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        added_at   TEXT NOT NULL
      );
      CREATE UNIQUE INDEX models_one_default_per_scale ON models (scale) WHERE is_default = 1;
    `);
  },
};
