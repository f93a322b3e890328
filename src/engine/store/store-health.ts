import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { userVersion } from './migrate.ts';
import { LATEST_SCHEMA_VERSION } from './migrations/index.ts';
import { DB_FILE_NAME } from './store.ts';

export interface StoreHealth {
  path: string;
  /**
   * `ok`: SQLite's quick check passed and the schema is one this version can use (an older one is brought up to date
   * on the next open); `absent`: not made yet (the first command that needs it makes it); `damaged`: not a database,
   * or the quick check found damage; `unusable`: cannot be opened (permissions), or written by a newer SR Studio.
   */
  state: 'ok' | 'absent' | 'damaged' | 'unusable';
  /** The schema version in the file, beside the one this SR Studio writes. */
  schema?: { found: number; current: number };
  /** What is wrong, for every state but ok and absent. */
  problem?: string;
}

/** How many problems the quick check lists before it stops; the first one is what a person reads. */
const QUICK_CHECK_LIMIT = 10;

/**
 * Checks the store in `stateDir` without changing it: opened read-only (never created, never migrated), then
 * SQLite's `quick_check`, which reads every page (O(N), seconds for a large store) but skips the index cross-check
 * of the full `integrity_check`.
 */
export function checkStoreHealth(stateDir: string): StoreHealth {
  const file = path.join(path.resolve(stateDir), DB_FILE_NAME);
  if (!fs.existsSync(file)) return { path: file, state: 'absent' };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: process.env.SRSTUDIO_SQLITE_BINDING || undefined });
    const found = userVersion(db);
    const schema = { found, current: LATEST_SCHEMA_VERSION };
    const rows = db.pragma(`quick_check(${QUICK_CHECK_LIMIT})`) as { quick_check: string }[];
    // Each row may hold several lines, under a "*** in database main ***" heading that says nothing to a person.
    const problems = rows
      .flatMap((row) => row.quick_check.split('\n'))
      .filter((line) => line !== 'ok' && !/^\*\*\* in database/.test(line));
    if (problems.length > 0) return { path: file, state: 'damaged', schema, problem: problems.join('; ') };
    if (found > LATEST_SCHEMA_VERSION) {
      return {
        path: file,
        state: 'unusable',
        schema,
        problem: `written by a newer SR Studio (schema ${found}, this one knows ${LATEST_SCHEMA_VERSION})`,
      };
    }
    return { path: file, state: 'ok', schema };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const problem = (error as Error).message;
    return { path: file, state: code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'damaged' : 'unusable', problem };
  } finally {
    db?.close();
  }
}
