import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { userVersion } from '../../../src/engine/store/migrate.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/engine/store/migrations/index.ts';
import { DB_FILE_NAME, openStore } from '../../../src/engine/store/store.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

/** Rows every schema version can hold, so an upgrade from version k can be checked for losing nothing. */
const SEED_BY_VERSION: Record<number, (db: Database.Database) => void> = {
  1: (db) => {
    db.prepare(
      "INSERT INTO jobs (id, kind, status, params, created_at, updated_at) VALUES (7, 'upscale', 'done', '{\"scale\":2}', 't', 't')",
    ).run();
    db.prepare("INSERT INTO job_items (job_id, seq, input, output, status) VALUES (7, 0, '/in/a.png', '/out/a.png', 'done')").run();
    db.prepare(
      "INSERT INTO runs (id, arch, scale, status, config, created_at, updated_at) VALUES (3, 'espcn', 3, 'done', '{}', 't', 't')",
    ).run();
    db.prepare("INSERT INTO run_metrics (run_id, step, kind, name, value) VALUES (3, 10, 'val', 'psnr', 31.5)").run();
  },
  2: (db) => {
    db.prepare(
      "INSERT INTO models (id, path, source, scale, meta, is_default, added_at) VALUES ('m1', '/m/m1.onnx', 'user', 2, '{}', 1, 't')",
    ).run();
  },
  3: (db) => {
    db.prepare("INSERT INTO datasets (id, name, patch_size, status, created_at, updated_at) VALUES (5, 'ds', 33, 'ready', 't', 't')").run();
    db.prepare(
      "INSERT INTO dataset_images (dataset_id, path, sha256, bytes, mtime_ms, width, height, format, added_at) VALUES (5, '/p/a.png', 'abc', 10, 0, 64, 64, 'png', 't')",
    ).run();
  },
  4: (db) => {
    db.prepare(
      "INSERT INTO evaluations (job_id, method, data, data_name, scale, psnr, ssim, per_image, seconds, created_at) VALUES (NULL, 'bicubic', '/d/Set5', 'Set5', 2, 33.7, 0.93, '[]', 1.5, 't')",
    ).run();
  },
  5: (db) => {
    db.prepare(
      "INSERT INTO evaluations (job_id, method, data, data_name, scale, psnr, ssim, per_image, seconds, created_at, degradation, degradation_seed) VALUES (NULL, 'bicubic', '/d/Set5', 'Set5', 2, 29.1, 0.85, '[]', 1.5, 't', 'photo', 1)",
    ).run();
  },
};

function countRows(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('openStore and migrations', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('creates the folder tree, applies every migration and sets the pragmas', () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const stateDir = path.join(temp.dir, 'nested', 'state');
    const store = openStore(stateDir);
    try {
      expect(userVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
      expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(Number(store.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
      for (const folder of Object.values(store.paths)) expect(fs.statSync(folder).isDirectory()).toBe(true);
      expect(fs.existsSync(path.join(stateDir, DB_FILE_NAME))).toBe(true);
    } finally {
      store.close();
    }
    // Re-opening an up-to-date store is a no-op.
    const again = openStore(stateDir);
    expect(userVersion(again.db)).toBe(LATEST_SCHEMA_VERSION);
    again.close();
  });

  for (let k = 1; k < LATEST_SCHEMA_VERSION; k += 1) {
    it(`upgrades a version-${k} database to the latest without losing rows`, () => {
      const temp = makeTempDir();
      cleanup = temp.cleanup;
      const old = openStore(temp.dir, { migrations: MIGRATIONS.slice(0, k) });
      expect(userVersion(old.db)).toBe(k);
      for (let v = 1; v <= k; v += 1) SEED_BY_VERSION[v](old.db);
      const before = new Map<string, number>();
      const tables = old.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) before.set(name, countRows(old.db, name));
      old.close();

      const upgraded = openStore(temp.dir);
      try {
        expect(userVersion(upgraded.db)).toBe(LATEST_SCHEMA_VERSION);
        for (const [table, n] of before) expect(countRows(upgraded.db, table), table).toBe(n);
        // The newer tables work after the upgrade.
        for (let v = k + 1; v <= LATEST_SCHEMA_VERSION; v += 1) SEED_BY_VERSION[v](upgraded.db);
        expect(upgraded.db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(upgraded.db.pragma('foreign_key_check')).toEqual([]);
      } finally {
        upgraded.close();
      }
    });
  }

  it('rolls a failing migration back whole, leaving the database at the previous version', () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const broken = {
      version: 2,
      name: 'broken',
      up(db: Database.Database) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        db.exec('THIS IS NOT SQL');
      },
    };
    expect(() => openStore(temp.dir, { migrations: [MIGRATIONS[0], broken] })).toThrow();
    const raw = new Database(path.join(temp.dir, DB_FILE_NAME));
    try {
      expect(userVersion(raw)).toBe(1);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    } finally {
      raw.close();
    }
    // The real migrations then apply cleanly.
    const store = openStore(temp.dir);
    expect(userVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    store.close();
  });

  it('refuses a database written by a newer schema, with a hint', () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    openStore(temp.dir).close();
    const raw = new Database(path.join(temp.dir, DB_FILE_NAME));
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openStore(temp.dir)).toThrowError(/newer SR Studio/);
  });

  it('explains a file that is not a database', () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    fs.writeFileSync(
      path.join(temp.dir, DB_FILE_NAME),
      'this is not sqlite, just text that is long enough to be read as a header'.repeat(20),
    );
    expect(() => openStore(temp.dir)).toThrowError(/damaged or is not a database/);
  });

  it('names the folder when the state dir cannot be created', () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const blocker = path.join(temp.dir, 'a-file');
    fs.writeFileSync(blocker, 'x');
    expect(() => openStore(path.join(blocker, 'state'))).toThrowError(/a-file/);
  });
});
