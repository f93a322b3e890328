import { nowIso } from './clock.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Store } from './store.ts';

export interface EvaluationImageScore {
  image: string;
  /** null: the reconstruction was exact (infinite PSNR). */
  psnr: number | null;
  ssim: number;
  seconds: number;
}

/** The real-photo degradation an evaluation's inputs were made with, by name and seed; null: the protocol's clean bicubic. */
export type EvaluationDegradation = { name: string; seed: number } | null;

export interface EvaluationRecord {
  id: number;
  jobId: number | null;
  method: string;
  /** The data folder, absolute. */
  data: string;
  /** What the UI calls it: the data set's name, or the folder's name. */
  dataName: string;
  scale: number;
  psnr: number | null;
  ssim: number;
  perImage: EvaluationImageScore[];
  seconds: number;
  createdAt: string;
  degradation: EvaluationDegradation;
}

interface EvaluationRow {
  id: number;
  job_id: number | null;
  method: string;
  data: string;
  data_name: string;
  scale: number;
  psnr: number | null;
  ssim: number;
  per_image: string;
  seconds: number;
  created_at: string;
  degradation: string | null;
  degradation_seed: number | null;
}

function toRecord(row: EvaluationRow): EvaluationRecord {
  const perImage = fromJsonText(row.per_image);
  return {
    id: row.id,
    jobId: row.job_id,
    method: row.method,
    data: row.data,
    dataName: row.data_name,
    scale: row.scale,
    psnr: row.psnr,
    ssim: row.ssim,
    perImage: Array.isArray(perImage) ? (perImage as EvaluationImageScore[]) : [],
    seconds: row.seconds,
    createdAt: row.created_at,
    degradation: row.degradation === null ? null : { name: row.degradation, seed: row.degradation_seed ?? 0 },
  };
}

/** Non-finite numbers (an exact reconstruction's PSNR) are stored as NULL: JSON and the contract cannot carry them. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Evaluation scores (migrations 004, 005): written by evaluation jobs, read by the Metrics dashboard. */
export class EvaluationsRepo {
  constructor(private readonly store: Store) {}

  add(entry: Omit<EvaluationRecord, 'id' | 'createdAt' | 'degradation'> & { degradation?: EvaluationDegradation }): EvaluationRecord {
    const info = this.store.db
      .prepare(
        `INSERT INTO evaluations (job_id, method, data, data_name, scale, psnr, ssim, per_image, seconds, created_at, degradation, degradation_seed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.jobId,
        entry.method,
        entry.data,
        entry.dataName,
        entry.scale,
        entry.psnr,
        entry.ssim,
        toJsonText(entry.perImage),
        entry.seconds,
        nowIso(),
        entry.degradation?.name ?? null,
        entry.degradation?.seed ?? null,
      );
    return toRecord(this.store.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(Number(info.lastInsertRowid)) as EvaluationRow);
  }

  /** In the order the job produced them. */
  forJob(jobId: number): EvaluationRecord[] {
    return (this.store.db.prepare('SELECT * FROM evaluations WHERE job_id = ? ORDER BY id').all(jobId) as EvaluationRow[]).map(toRecord);
  }

  /**
   * The newest score of every method × data folder × scale × degradation (name and seed): the dashboard's table, where
   * a model's clean and photo scores stand side by side, each compared with bicubic on the very same inputs.
   */
  latest(): EvaluationRecord[] {
    const rows = this.store.db
      .prepare(
        `SELECT * FROM evaluations WHERE id IN
           (SELECT MAX(id) FROM evaluations GROUP BY method, data, scale, degradation, degradation_seed)
         ORDER BY data_name, scale, method, degradation, degradation_seed`,
      )
      .all() as EvaluationRow[];
    return rows.map(toRecord);
  }
}
