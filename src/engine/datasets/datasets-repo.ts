import type Database from 'better-sqlite3';
import { SrError } from '../errors.ts';
import { isOtherProcessAlive, nowIso } from '../store/clock.ts';
import type { Store } from '../store/store.ts';
import type { DatasetImage, DatasetRecord, DatasetStatus, SkippedFile, Split } from './types.ts';

interface DatasetRow {
  id: number;
  name: string;
  patch_size: number;
  status: DatasetStatus;
  owner_pid: number | null;
  created_at: string;
  updated_at: string;
}

export interface ImageRow {
  id: number;
  dataset_id: number;
  path: string;
  sha256: string;
  bytes: number;
  mtime_ms: number;
  width: number;
  height: number;
  format: string;
  camera_model: string | null;
  icc_name: string | null;
  split: Split | null;
  missing: number;
  excluded: number;
}

export interface NewImage {
  path: string;
  sha256: string;
  bytes: number;
  mtimeMs: number;
  width: number;
  height: number;
  format: string;
  cameraModel: string | null;
  iccName: string | null;
  split?: Split | null;
  missing?: boolean;
}

/** SQL for datasets; the operations that touch files live in the other modules of this folder. */
export class DatasetsRepo {
  constructor(readonly store: Store) {}

  get db(): Database.Database {
    return this.store.db;
  }

  create(name: string, patchSize: number, roots: { path: string; recursive: boolean }[]): number {
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name)) {
          throw new SrError(
            'BAD_ARGUMENT',
            `A dataset named "${name}" already exists`,
            'Choose another name, or add folders to it with `datasets add`.',
          );
        }
        const now = nowIso();
        const info = this.db
          .prepare('INSERT INTO datasets (name, patch_size, status, owner_pid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(name, patchSize, 'importing', process.pid, now, now);
        const id = Number(info.lastInsertRowid);
        for (const root of roots) this.addRoot(id, root.path, root.recursive);
        return id;
      })
      .immediate();
  }

  row(id: number): DatasetRow {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    if (!row) throw new SrError('NOT_FOUND', `No dataset with id ${id}`, 'Run `srstudio datasets list` to see the ids.');
    return row;
  }

  /** By id, or by name when `ref` is not a number. */
  resolve(ref: string | number): number {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return this.row(Number(ref)).id;
    const row = this.db.prepare('SELECT id FROM datasets WHERE name = ?').get(ref) as { id: number } | undefined;
    if (!row) throw new SrError('NOT_FOUND', `No dataset named "${ref}"`, 'Run `srstudio datasets list` to see the names and ids.');
    return row.id;
  }

  record(id: number): DatasetRecord {
    const row = this.row(id);
    const counts = this.db
      .prepare(
        `SELECT
           SUM(missing = 0) AS images,
           SUM(missing = 1) AS missing,
           SUM(missing = 0 AND split = 'val') AS val
         FROM dataset_images WHERE dataset_id = ? AND excluded = 0`,
      )
      .get(id) as { images: number | null; missing: number | null; val: number | null };
    const images = counts.images ?? 0;
    const val = counts.val ?? 0;
    return {
      id: row.id,
      name: row.name,
      patchSize: row.patch_size,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      roots: this.roots(id).map((r) => r.path),
      images,
      missing: counts.missing ?? 0,
      train: images - val,
      val,
    };
  }

  list(): DatasetRecord[] {
    const ids = this.db.prepare('SELECT id FROM datasets ORDER BY id').all() as { id: number }[];
    return ids.map(({ id }) => this.record(id));
  }

  remove(id: number): void {
    this.row(id);
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
  }

  setStatus(id: number, status: DatasetStatus): void {
    this.db
      .prepare('UPDATE datasets SET status = ?, owner_pid = ?, updated_at = ? WHERE id = ?')
      .run(status, status === 'importing' ? process.pid : null, nowIso(), id);
  }

  /** Imports left 'importing' by a crashed process become 'interrupted'; `datasets rescan` resumes them. */
  markInterruptedImports(): number {
    return this.db
      .transaction(() => {
        const rows = this.db.prepare("SELECT id, owner_pid FROM datasets WHERE status = 'importing'").all() as {
          id: number;
          owner_pid: number | null;
        }[];
        const stale = rows.filter((r) => !isOtherProcessAlive(r.owner_pid));
        for (const r of stale) this.setStatus(r.id, 'interrupted');
        return stale.length;
      })
      .immediate();
  }

  roots(id: number): { id: number; path: string; recursive: boolean }[] {
    const rows = this.db.prepare('SELECT id, path, recursive FROM dataset_roots WHERE dataset_id = ? ORDER BY id').all(id) as {
      id: number;
      path: string;
      recursive: number;
    }[];
    return rows.map((r) => ({ id: r.id, path: r.path, recursive: r.recursive === 1 }));
  }

  addRoot(id: number, rootPath: string, recursive: boolean): void {
    this.db
      .prepare(
        'INSERT INTO dataset_roots (dataset_id, path, recursive) VALUES (?, ?, ?) ON CONFLICT (dataset_id, path) DO UPDATE SET recursive = excluded.recursive',
      )
      .run(id, rootPath, recursive ? 1 : 0);
  }

  removeRoot(id: number, rootPath: string): boolean {
    return this.db.prepare('DELETE FROM dataset_roots WHERE dataset_id = ? AND path = ?').run(id, rootPath).changes > 0;
  }

  setRootPath(rootId: number, newPath: string): void {
    this.db.prepare('UPDATE dataset_roots SET path = ? WHERE id = ?').run(newPath, rootId);
  }

  /** Every image row, removed ones included (the sync needs them to keep removed photos out). */
  allImageRows(id: number): ImageRow[] {
    return this.db.prepare('SELECT * FROM dataset_images WHERE dataset_id = ? ORDER BY path').all(id) as ImageRow[];
  }

  imageByHash(id: number, sha256: string): ImageRow | undefined {
    return this.db.prepare('SELECT * FROM dataset_images WHERE dataset_id = ? AND sha256 = ?').get(id, sha256) as ImageRow | undefined;
  }

  imageByPath(id: number, imagePath: string): ImageRow | undefined {
    return this.db.prepare('SELECT * FROM dataset_images WHERE dataset_id = ? AND path = ? AND excluded = 0').get(id, imagePath) as
      | ImageRow
      | undefined;
  }

  insertImage(id: number, image: NewImage): void {
    this.db
      .prepare(
        `INSERT INTO dataset_images (dataset_id, path, sha256, bytes, mtime_ms, width, height, format, camera_model, icc_name, split, missing, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        image.path,
        image.sha256,
        image.bytes,
        image.mtimeMs,
        image.width,
        image.height,
        image.format,
        image.cameraModel,
        image.iccName,
        image.split ?? null,
        image.missing ? 1 : 0,
        nowIso(),
      );
  }

  /** Points a row at a (new) file with this content: used for edited files and for moved ones. */
  updateImageFile(rowId: number, image: NewImage): void {
    this.db
      .prepare(
        `UPDATE dataset_images SET path = ?, sha256 = ?, bytes = ?, mtime_ms = ?, width = ?, height = ?, format = ?,
           camera_model = ?, icc_name = ?, missing = 0 WHERE id = ?`,
      )
      .run(
        image.path,
        image.sha256,
        image.bytes,
        image.mtimeMs,
        image.width,
        image.height,
        image.format,
        image.cameraModel,
        image.iccName,
        rowId,
      );
  }

  deleteImageRow(rowId: number): void {
    this.db.prepare('DELETE FROM dataset_images WHERE id = ?').run(rowId);
  }

  setMissing(rowId: number, missing: boolean): void {
    this.db.prepare('UPDATE dataset_images SET missing = ? WHERE id = ?').run(missing ? 1 : 0, rowId);
  }

  setExcluded(rowId: number, excluded: boolean): void {
    this.db.prepare('UPDATE dataset_images SET excluded = ? WHERE id = ?').run(excluded ? 1 : 0, rowId);
  }

  setSplitBulk(assignments: { rowId: number; split: Split | null }[]): void {
    const update = this.db.prepare('UPDATE dataset_images SET split = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const a of assignments) update.run(a.split, a.rowId);
    })();
  }

  replaceSkips(id: number, skipped: SkippedFile[]): void {
    this.db.prepare('DELETE FROM dataset_skips WHERE dataset_id = ?').run(id);
    const insert = this.db.prepare('INSERT OR REPLACE INTO dataset_skips (dataset_id, path, code, reason) VALUES (?, ?, ?, ?)');
    for (const s of skipped) insert.run(id, s.path, s.code, s.reason);
  }

  skips(id: number): SkippedFile[] {
    return this.db.prepare('SELECT path, code, reason FROM dataset_skips WHERE dataset_id = ? ORDER BY path').all(id) as SkippedFile[];
  }

  /** Images in the dataset (not removed), missing ones included and flagged. */
  images(id: number, opts: { split?: Split | 'all'; includeMissing?: boolean } = {}): DatasetImage[] {
    const split = opts.split ?? 'all';
    const rows = this.db
      .prepare(
        `SELECT * FROM dataset_images WHERE dataset_id = @id AND excluded = 0
           AND (@includeMissing = 1 OR missing = 0)
           AND (@split = 'all' OR (@split = 'val' AND split = 'val') OR (@split = 'train' AND (split IS NULL OR split = 'train')))
         ORDER BY path`,
      )
      .all({ id, split, includeMissing: opts.includeMissing === false ? 0 : 1 }) as ImageRow[];
    return rows.map(toImage);
  }

  touch(id: number): void {
    this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(nowIso(), id);
  }
}

export function toImage(row: ImageRow): DatasetImage {
  return {
    id: row.id,
    path: row.path,
    sha256: row.sha256,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    format: row.format,
    cameraModel: row.camera_model,
    iccName: row.icc_name,
    split: row.split,
    missing: row.missing === 1,
  };
}
