import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fromFsError, SrError } from '../errors.ts';
import { applyMigrations } from './migrate.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

export const DB_FILE_NAME = 'srstudio.db';

/** The open database plus the folders beside it that hold large artefacts; rows reference those files by path. */
export interface Store {
  db: Database.Database;
  dir: string;
  paths: { thumbnails: string; checkpoints: string; models: string; runs: string };
  close(): void;
}

export interface OpenStoreOptions {
  /** Tests build older schema versions with a prefix of MIGRATIONS; the app always uses the full list. */
  migrations?: readonly Migration[];
  /** How long a writer waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the store in `stateDir`, and brings its schema up to date.
 *
 * Pragmas, and why:
 * - journal_mode=WAL: readers never block the writer and vice versa, so the UI can read while a batch or a
 *   training run writes from another process.
 * - synchronous=NORMAL: in WAL mode this cannot corrupt the database; a crash of the app (kill -9) loses
 *   nothing committed, and only a power cut / OS crash may lose the last few commits. It spares an fsync per
 *   commit, which matters for per-step training metrics and per-file journal updates.
 * - foreign_keys=ON: deleting a job/run/dataset removes its rows (ON DELETE CASCADE) instead of orphaning them.
 * - busy_timeout: a second process waits for the lock instead of failing at once.
 *
 * Repositories open every read-then-write transaction as IMMEDIATE: a deferred one that reads first and then
 * tries to write gets SQLITE_BUSY at once (no waiting) when another process committed in between.
 */
export function openStore(stateDir: string, options: OpenStoreOptions = {}): Store {
  const dir = path.resolve(stateDir);
  const paths = {
    thumbnails: path.join(dir, 'thumbnails'),
    checkpoints: path.join(dir, 'checkpoints'),
    models: path.join(dir, 'models'),
    runs: path.join(dir, 'runs'),
  };
  for (const folder of [dir, ...Object.values(paths)]) {
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw fromFsError(error, folder, 'write');
    }
  }

  const dbPath = path.join(dir, DB_FILE_NAME);
  let db: Database.Database;
  try {
    // Under Electron the native addon must match Electron's ABI; src/main points at that build (see
    // scripts/electron-native.mjs) so the Node build stays in place for the CLI and tests.
    db = new Database(dbPath, { timeout: options.busyTimeoutMs ?? 5000, nativeBinding: process.env.SRSTUDIO_SQLITE_BINDING || undefined });
  } catch (error) {
    throw storeOpenError(error, dbPath);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, options.migrations ?? MIGRATIONS, dbPath);
  } catch (error) {
    db.close();
    throw error instanceof SrError ? error : storeOpenError(error, dbPath);
  }

  return {
    db,
    dir,
    paths,
    close() {
      if (db.open) db.close();
    },
  };
}

function storeOpenError(error: unknown, dbPath: string): SrError {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new SrError(
      'INTERNAL',
      `The SR Studio database ${dbPath} is damaged or is not a database`,
      'Move it aside (SR Studio will start a new one), or restore it from a backup.',
      dbPath,
      { cause: error },
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new SrError(
      'NOT_WRITABLE',
      `Cannot open the SR Studio database ${dbPath} for writing`,
      'Check the folder permissions, or pass --state DIR.',
      dbPath,
      {
        cause: error,
      },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new SrError('DISK_FULL', `The disk is full while opening ${dbPath}`, 'Free some space and try again.', dbPath, { cause: error });
  }
  if (code === 'SQLITE_BUSY') {
    return new SrError(
      'INTERNAL',
      `The SR Studio database ${dbPath} is locked by another process`,
      'Wait for the other SR Studio process to finish, then retry.',
      dbPath,
      {
        cause: error,
      },
    );
  }
  return fromFsError(error, dbPath, 'write');
}
