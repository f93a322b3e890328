import type Database from 'better-sqlite3';
import { SrError } from '../errors.ts';
import type { Migration } from './migrations/types.ts';

/**
 * Applies the migrations newer than `PRAGMA user_version`, each in its own IMMEDIATE transaction that also
 * bumps user_version, so a crash leaves the database at a whole version. IMMEDIATE takes the write lock
 * before re-reading the version, so two processes starting at once cannot both run the same step.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], dbPath: string): number {
  assertOrdered(migrations);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = userVersion(db);
  if (current > latest) {
    throw new SrError(
      'INTERNAL',
      `The database ${dbPath} was written by a newer SR Studio (schema ${current}, this one knows ${latest})`,
      'Update SR Studio, or pass --state DIR to use another folder.',
      dbPath,
    );
  }
  for (const migration of migrations) {
    const step = db.transaction(() => {
      if (userVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    step.immediate();
  }
  return userVersion(db);
}

export function userVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new SrError(
        'INTERNAL',
        `Migration list is out of order at ${migration.name} (version ${migration.version}, expected ${index + 1})`,
      );
    }
  });
}
